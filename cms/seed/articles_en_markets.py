"""English stories from the economy, finance, banking, politics and world desks."""

from cms.seed.stories import Quote, Story

NINO = "nino.beridze"
GIORGI = "giorgi.kapanadze"
ANA = "ana.lomidze"

STORIES: tuple[Story, ...] = (
    Story(
        key="en-lari-rate",
        locale="en",
        category="economy",
        title="Lari climbs to its strongest level in months as remittances and tourism pour in",
        lead="""
            The Georgian lari firmed past 2.65 per US dollar this week, lifted by strong inflows
            from visitors and from Georgians working abroad. Importers welcome the move; exporters
            are less pleased.
        """,
        text="""
            The lari strengthened for a sixth straight session on Thursday, trading at 2.64 per US
            dollar on the interbank market, its firmest level in about five months. Against the euro
            it gained a little under one per cent over the week.

            Dealers in Tbilisi pointed to a steady flow of foreign currency from three sources at
            once: tourism receipts, money transfers from Georgians working in the European Union and
            the United States, and a pick-up in foreign direct investment in real estate and hotels.

            ## Importers gain, exporters squeezed

            A firmer lari makes imported goods cheaper, from fuel to medicines, and helps to keep
            inflation close to the National Bank's three per cent target. For companies that sell
            abroad and pay wages in lari, the arithmetic works the other way.

            Winemakers and hazelnut exporters say their margins have narrowed, since every dollar of
            revenue now buys fewer lari for salaries and rent. Several said they had started to
            hedge part of next year's sales against further swings in the rate.

            ## What the National Bank is watching

            The central bank does not defend any particular exchange rate, but it buys foreign
            currency at auctions when inflows are strong, both to smooth the rate and to rebuild its
            reserves. Traders expect it to keep doing so if the lari goes on rising at the current
            pace.
        """,
        quote=Quote(
            """
                A strong lari is good news at the checkout and at the petrol station, but it takes a
                slice out of every exporter's margin. Those who priced their contracts in dollars a
                year ago are feeling it now.
            """,
            "Tamar Gelashvili",
            "chief economist at Rioni Analytics",
        ),
        tags=("exchange-rate", "national-bank", "inflation"),
        author=NINO,
        desk="markets",
        featured=True,
        pair="lari-rate",
    ),
    Story(
        key="en-inflation-eases",
        locale="en",
        category="economy",
        title="Annual inflation eases to 2.1% as food and fuel prices cool",
        lead="""
            Consumer prices rose 2.1% year on year last month, down from 2.8% a month earlier, as
            cheaper vegetables and petrol offset higher rents in Tbilisi.
        """,
        text="""
            Annual inflation slowed to 2.1 per cent last month, according to preliminary figures
            from the statistics office, the lowest reading since early last year and below the
            National Bank's target of three per cent.

            Food prices, which carry the largest weight in the consumer basket, rose by only 0.9 per
            cent on the year as a good harvest brought down the cost of vegetables and fruit. Petrol
            and diesel were cheaper than a year ago, following world oil prices and the firmer lari.

            ## Rents and services keep rising

            Not everything is cheaper. Rents in Tbilisi and Batumi rose by more than ten per cent on
            the year, and the prices of services such as restaurants, hairdressers and private
            schools continued to climb faster than those of goods.

            Economists say this split is typical of a fast-growing economy where wages are rising:
            goods follow world prices and the exchange rate, while services follow local pay.

            ## Room for a rate cut

            Lower inflation gives the central bank room to cut its policy rate, which has stood at
            eight per cent for several months. Most analysts polled by Newsroom expect a cut of a
            quarter of a point at the next meeting, though some warn that a weaker lari later in the
            year could reverse the trend.
        """,
        quote=Quote(
            """
                Headline inflation flatters the picture. Strip out food and fuel, and prices are
                still rising by about four per cent a year, driven by rents and services.
            """,
            "Davit Mchedlishvili",
            "senior analyst at Samgori Partners",
        ),
        tags=("inflation", "national-bank", "agriculture"),
        author=NINO,
        desk="markets",
    ),
    Story(
        key="en-growth-holds",
        locale="en",
        category="economy",
        title="Economic growth holds above 7% as construction and transport lead",
        lead="""
            Preliminary estimates put real growth at 7.4% so far this year, with construction,
            transport and trade doing most of the lifting.
        """,
        text="""
            The economy grew by an estimated 7.4 per cent in real terms over the year to date,
            according to the rapid estimate published on Monday, keeping Georgia among the
            fastest-growing economies in Europe and its neighbourhood.

            Construction added the most to growth, as residential projects in Tbilisi and Batumi
            continued and public spending on roads accelerated. Transport and storage came second,
            helped by freight moving between Central Asia and Europe through Georgian ports and
            railways.

            ## A labour market that struggles to keep up

            Fast growth has tightened the labour market. Builders, hotels and logistics firms say
            they cannot find enough workers, and the average monthly wage has risen by more than ten
            per cent over the year.

            Unemployment has fallen, but it remains high by European standards, especially among
            young people outside the big cities. Business groups want more vocational training;
            trade unions want higher pay to stop workers moving abroad.

            ## Can it last?

            Economists expect growth to slow towards five or six per cent next year as the transit
            boom levels off. The risks they name most often are a sudden change in regional trade
            routes and a fall in property prices after years of rapid building.
        """,
        quote=Quote(
            """
                Much of this growth comes from being in the right place when trade routes shifted.
                The question is how much of it we can turn into factories, skills and exports of our
                own.
            """,
            "Eka Japaridze",
            "director of the Colchis Economic Institute",
        ),
        tags=("investment", "transit", "labour-market"),
        author=NINO,
        desk="business",
    ),
    Story(
        key="en-lari-bond",
        locale="en",
        category="finance",
        title="Finance ministry sells record ten-year lari bond as foreign investors return",
        lead="""
            The government raised 500 million lari at its largest long-dated auction yet, and more
            than a third of the paper went to investors from abroad.
        """,
        text="""
            The finance ministry sold 500 million lari of ten-year treasury bonds on Wednesday, the
            largest single auction of long-dated local-currency debt in the country's history. Bids
            came to more than twice the amount on offer.

            The bonds were priced to yield 8.35 per cent, slightly below the previous ten-year
            auction. Dealers said foreign funds bought about 36 per cent of the issue, the highest
            share since they began to buy Georgian lari debt.

            ## Why long lari debt matters

            Borrowing in its own currency protects the budget from swings in the exchange rate:
            about three quarters of Georgia's public debt is still in dollars, euros and other
            foreign currencies. Every lari bond sold for ten years is one less reason to worry when
            the lari weakens.

            A longer yield curve also gives banks and companies a benchmark against which to price
            their own long-term loans and bonds in lari.

            ## Pension fund and banks bid too

            Local banks and the state pension fund, which must invest much of its money at home,
            bought most of the rest. Officials said they planned two more auctions of this size
            before the end of the year, market conditions permitting.
        """,
        quote=Quote(
            """
                When a foreign fund is willing to hold lari for ten years, that is a vote of
                confidence in the central bank as much as in the budget.
            """,
            "Irakli Dolidze",
            "head of fixed income at Aragvi Asset Management",
        ),
        tags=("budget", "investment", "exchange-rate"),
        author=NINO,
        desk="markets",
    ),
    Story(
        key="en-bourse-reform",
        locale="en",
        category="finance",
        title="Tbilisi bourse reform aims to bring the first share listings in a decade",
        lead="""
            New rules cut listing costs and let retail investors buy shares through their banking
            apps. Brokers hope three or four companies will float in the next two years.
        """,
        text="""
            Parliament has approved changes to the securities law that brokers say could revive
            Tbilisi's small stock market, where the shares of only a handful of companies trade and
            weeks can pass without a single deal.

            The reform cuts the fees a company pays to list, lets smaller firms publish a simpler
            prospectus and allows banks to sell shares to retail customers through mobile apps, with
            a short test of the buyer's knowledge in place of a visit to a branch.

            ## Who might list

            Brokers name the usual candidates: a pharmacy chain, a mid-sized developer, a renewable
            energy producer and one of the larger wine groups. None has confirmed its plans, but at
            least two are said to have hired advisers.

            The government has also said it will sell minority stakes in some state companies
            through the exchange, which would give the market the size it lacks.

            ## The liquidity problem

            Investors welcome the changes but doubt they are enough on their own. Without a steady
            stream of listings and regular trading, a share is hard to sell, and few fund managers
            will buy what they cannot sell again.
        """,
        quote=Quote(
            """
                Rules were never the only obstacle. A company floats when it believes the price will
                be fair, and a price is only fair when enough people are trading.
            """,
            "Mariam Abashidze",
            "managing partner at Mtkvari Securities",
        ),
        tags=("investment", "fintech"),
        author=NINO,
        desk="markets",
    ),
    Story(
        key="en-mortgage-rates",
        locale="en",
        category="banking",
        title="Banks cut lari mortgage rates as deposits in the national currency grow",
        lead="""
            The largest lenders lowered rates on lari home loans by up to a percentage point,
            betting that lower inflation will bring a cut in the policy rate.
        """,
        text="""
            Georgia's three largest banks have cut interest rates on lari mortgages by between half
            a point and a full percentage point over the past two weeks, bringing the typical rate
            for a new home loan to about 11 per cent a year.

            The banks say the cuts reflect cheaper funding: lari deposits grew by nearly a fifth
            over the year, as savers responded to attractive rates and a stable currency, and
            inflation has fallen below the central bank's target.

            ## Borrowers move away from dollars

            For years most Georgian homebuyers borrowed in dollars, because rates were lower, and
            many suffered when the lari fell. Rules introduced by the National Bank now require most
            loans below a set threshold to be issued in lari, and the gap between lari and dollar
            rates has narrowed.

            Brokers report that first-time buyers now borrow almost exclusively in lari, while some
            existing borrowers are asking to convert old dollar loans.

            ## Prices still high

            Cheaper credit will not make homes affordable overnight. Flat prices in central Tbilisi
            rose by around eight per cent on the year, faster than wages in most professions, and
            developers say demand from foreign buyers remains strong.

            Some developers also offer interest-free instalment plans, although analysts warn that
            the cost of credit is often already built into the price of such offers.
        """,
        quote=Quote(
            """
                A point off the rate on a twenty-year loan is real money for a young family. But the
                price per square metre still matters more than the rate.
            """,
            "Nana Kvaratskhelia",
            "head of retail lending at Alazani Bank",
        ),
        tags=("national-bank", "real-estate", "inflation"),
        author=NINO,
        desk="markets",
        pair="mortgage-rates",
    ),
    Story(
        key="en-digital-payments",
        locale="en",
        category="banking",
        title="Card and phone payments overtake cash as ATM withdrawals fall",
        lead="""
            For the first time, Georgians spent more through cards and phones than they withdrew
            from cash machines, central bank payment data show.
        """,
        text="""
            Payments by card, phone and instant transfer exceeded cash withdrawals in Georgia for
            the first time last quarter, according to payment statistics published by the National
            Bank. Cash taken from ATMs fell by six per cent on the year, while the value of card
            payments rose by almost a quarter.

            Contactless payments with phones and watches grew fastest, especially in Tbilisi and
            Batumi, where almost all shops, taxis and even some market stalls now accept them.

            ## Small towns are catching up

            The change has spread beyond the capital. Regional banks report that pensioners and
            farmers increasingly receive payments directly to their cards, and that the number of
            shops with a terminal in small towns has doubled in three years.

            Instant transfers between banks, available around the clock since last year, have
            replaced cash for many small traders and tradespeople.

            ## Fees and fraud

            Consumer groups say the shift brings new risks. Complaints about phone scams have risen,
            and small shopkeepers say card fees of one to two per cent weigh on thin margins. The
            central bank has said it is studying a cap on fees for the smallest merchants.
        """,
        quote=Quote(
            """
                Cash is not disappearing, but it is turning into a backup. Customers at village
                shops now ask first whether they can pay by phone.
            """,
            "Levan Gogua",
            "chief digital officer at Tetri Payments",
        ),
        tags=("fintech", "digital", "national-bank"),
        author=ANA,
        desk="markets",
    ),
    Story(
        key="en-budget-approved",
        locale="en",
        category="politics",
        title="Parliament approves next year's budget with more money for roads and schools",
        lead="""
            The budget plans spending of 32 billion lari and a deficit of 2.5% of GDP. The
            opposition says its revenue forecasts are too optimistic.
        """,
        text="""
            Parliament approved the state budget for next year on Friday by 84 votes to 31, after
            three weeks of debate in committees and on the floor. The plan foresees total spending
            of about 32 billion lari and a deficit of 2.5 per cent of gross domestic product.

            Capital spending rises by 14 per cent, most of it for roads, including the last sections
            of the east-west highway, and for building and repairing schools. Pensions will rise in
            line with inflation, with an extra increase for people over seventy.

            ## A question of forecasts

            The budget assumes growth of six per cent and tax revenue rising faster than the
            economy. The opposition argued that these numbers leave no margin if growth slows, and
            proposed a smaller increase in spending on administration.

            The parliamentary budget office called the forecasts ambitious but achievable, and said
            that public debt would stay below forty per cent of GDP.

            ## What it means for business

            For companies, the main changes are more money for contractors on public works and a
            larger guarantee fund for small business loans. No changes to tax rates were included.
        """,
        quote=Quote(
            """
                We voted for a budget that builds. Every school and every kilometre of road in it
                has a date and a contractor attached.
            """,
            "Giga Sulaberidze",
            "member of parliament's budget committee",
        ),
        tags=("budget", "investment"),
        author=NINO,
        desk="politics",
    ),
    Story(
        key="en-licence-reform",
        locale="en",
        category="politics",
        title="Government plans one-stop licences for small businesses",
        lead="""
            A draft law would merge more than forty permits into a single online application and
            give officials 20 working days to respond.
        """,
        text="""
            The government has published a draft law that would let small businesses apply for most
            permits and licences through a single online form, instead of visiting several agencies.
            Officials would have twenty working days to answer; silence would count as approval.

            The reform covers more than forty permits, from food safety certificates for cafés to
            licences for small hotels and guest houses. Construction permits and activities that
            involve health risks are excluded.

            ## Business groups cautiously positive

            Associations representing small firms have long complained that permits take too long
            and cost too much in time away from work. They welcomed the draft but asked for a longer
            consultation and a clear list of the documents each agency may still demand.

            ## Local officials worry about workload

            Municipal officials, who would handle many of the applications, say they need more staff
            and training to meet the deadline. The ministry of economy says it will fund a new
            digital system and run a pilot in three regions before the law takes effect.

            The draft is open for public comment for thirty days.
        """,
        quote=Quote(
            """
                A bakery owner should spend her morning baking, not queuing at three offices for the
                same stamp. That is the whole idea of this law.
            """,
            "Ketevan Baramidze",
            "head of the regulatory reform unit at the ministry of economy",
        ),
        tags=("digital", "labour-market"),
        author=NINO,
        desk="politics",
    ),
    Story(
        key="en-middle-corridor",
        locale="en",
        category="world",
        title="Middle Corridor freight rises by a third as shippers look for shorter routes",
        lead="""
            Container and rail volumes through the South Caucasus keep growing, but bottlenecks at
            the Caspian ferries limit how much more the route can take.
        """,
        text="""
            Freight moving between China and Europe through Central Asia, the Caspian Sea and the
            South Caucasus rose by about a third over the year to date, according to figures
            compiled by the route's operators. Georgian railways and the ports of Poti and Batumi
            handled a growing share.

            Shippers have turned to the route, known as the Middle Corridor, to avoid longer sea
            voyages and to reduce their reliance on northern routes. A container can reach Europe in
            about three weeks, faster than by sea but at a higher cost.

            ## Bottlenecks on the Caspian

            The weak link is the crossing of the Caspian Sea, where a shortage of ferries and long
            waits in port can add days to the journey. Kazakhstan and Azerbaijan have ordered new
            vessels, but most will not arrive for two or three years.

            In Georgia, the modernised main railway line has raised capacity, and operators have cut
            the time spent at the border by sharing customs data electronically.

            ## Ports compete for the cargo

            Poti and Batumi are expanding their container terminals, and a deep-sea port on the
            coast is again under discussion. Freight forwarders say capacity matters less than
            reliable schedules along the whole route.
        """,
        quote=Quote(
            """
                Shippers forgive a route for being slow if it is predictable. What they do not
                forgive is a container stuck for ten days with nobody able to tell them why.
            """,
            "Zurab Kiknadze",
            "managing director of Caucasus Cargo Link",
        ),
        tags=("transit", "black-sea-ports", "investment"),
        author=GIORGI,
        desk="wire",
    ),
    Story(
        key="en-fuel-prices",
        locale="en",
        category="world",
        title="Petrol prices climb across the region as crude rallies",
        lead="""
            Filling stations in Georgia and Armenia raised prices after a jump in world oil prices.
            A firm lari softens the blow for Georgian drivers.
        """,
        text="""
            The price of petrol at Georgian filling stations rose by between 10 and 15 tetri a litre
            over the past week, as retailers passed on a rally in world crude prices that followed
            supply cuts by large producers.

            A litre of regular petrol now costs about 3.05 lari at the main chains in Tbilisi, still
            below the level of a year ago. Diesel rose by slightly less. Retailers in Armenia made
            similar increases, while regulated prices in Azerbaijan were unchanged.

            ## The exchange rate as a cushion

            Georgia imports almost all of its fuel and pays for it in dollars. The recent strength
            of the lari has absorbed part of the rise in oil prices; without it, importers say,
            prices at the pump would have risen by twice as much.

            ## Transport costs and inflation

            Fuel makes up a small share of the consumer basket but feeds into the price of almost
            everything that moves by road. Hauliers and taxi companies say they will raise fares if
            prices stay high for more than a month.

            The competition agency said it was monitoring prices to make sure that increases
            followed import costs and nothing more.
        """,
        quote=Quote(
            """
                Our contracts with customers are fixed for the quarter, so every tetri on diesel
                comes straight out of our margin until we renegotiate.
            """,
            "Beka Chkheidze",
            "owner of a haulage firm in Rustavi",
        ),
        tags=("inflation", "exchange-rate", "transit"),
        author=GIORGI,
        desk="wire",
    ),
)
