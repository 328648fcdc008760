"""English stories from the business, technology, startups, energy and tourism desks."""

from cms.seed.stories import Quote, Story

GIORGI = "giorgi.kapanadze"
ANA = "ana.lomidze"

STORIES: tuple[Story, ...] = (
    Story(
        key="en-wine-exports",
        locale="en",
        category="business",
        title="Georgian wine exports climb to a record as new markets open up",
        lead="""
            Producers shipped 12% more bottles than a year ago, with strong growth in Poland, China
            and the Baltic states making up for a slower market next door.
        """,
        text="""
            Georgian winemakers exported almost 110 million bottles over the past twelve months, 12
            per cent more than a year earlier and the highest figure on record, according to data
            from the national wine agency. Export revenue rose faster than volume, suggesting that
            buyers are paying more per bottle.

            Poland, China and the Baltic states accounted for most of the growth, as importers there
            added Georgian wines to supermarket shelves and restaurant lists. Sales to the largest
            traditional market grew only slightly.

            ## Qvevri wine finds its niche

            Much of the attention abroad goes to wine made in qvevri, the clay vessels buried in the
            ground that Georgian winemakers have used for thousands of years. It is a small share of
            the total volume, but it sells at premium prices and brings visitors to the wineries.

            Smaller producers say that tastings abroad and listings with specialist importers have
            mattered more to them than large trade fairs.

            Some wineries have also started selling online, shipping directly to buyers in Europe
            without middlemen.

            ## Dependence on a few buyers

            The industry is still heavily dependent on a few markets, and producers know it. The
            wine agency plans more promotion in Germany, the United Kingdom and Japan next year, and
            growers are asking for help with organic certification.
        """,
        quote=Quote(
            """
                Ten years ago a buyer in Warsaw asked us where Georgia was. Now they ask which of
                our qvevri wines will be ready in spring.
            """,
            "Salome Tsiklauri",
            "export manager at Napareuli Cellars",
        ),
        tags=("wine", "exports", "agriculture"),
        author=GIORGI,
        desk="business",
        featured=True,
        pair="wine-exports",
    ),
    Story(
        key="en-garment-jobs",
        locale="en",
        category="business",
        title="Kutaisi garment factory to add 600 jobs after winning European orders",
        lead="""
            A Georgian-Turkish joint venture will open a second production hall, making workwear for
            retailers in Germany and Poland.
        """,
        text="""
            A garment factory in Kutaisi will hire 600 more workers over the next year after signing
            supply contracts with two European retailers, its owners said on Tuesday. The new hall,
            being built on the edge of the city's free industrial zone, will more than double the
            plant's capacity.

            The company, a joint venture between a Georgian investor and a textile group from
            Turkey, makes workwear and uniforms. Almost all of its output goes to the European
            Union, where Georgian products enter without customs duties under the free trade
            agreement.

            ## Wages and training

            The factory pays above the regional average for a sewing machine operator and runs its
            own three-month training course. Most of the new jobs will go to women from Kutaisi and
            nearby villages, the company said.

            Local officials called it one of the largest single hiring plans in Imereti in recent
            years.

            ## Competing with Asia

            Garment makers in Georgia compete with factories in Asia that pay far lower wages. Their
            advantage is speed: an order can reach a warehouse in Germany in five days by truck and
            ferry, compared with several weeks by sea from Asia.
        """,
        quote=Quote(
            """
                Our customers want smaller orders, more often, and they want them fast. That is
                something we can offer from Kutaisi and a factory on the other side of the world
                cannot.
            """,
            "Nodar Tsertsvadze",
            "general manager of Imereti Garments",
        ),
        tags=("exports", "labour-market", "investment"),
        author=GIORGI,
        desk="regions",
    ),
    Story(
        key="en-hazelnut-harvest",
        locale="en",
        category="business",
        title="Hazelnut harvest recovers in western Georgia, but prices disappoint farmers",
        lead="""
            Growers in Samegrelo and Guria picked a much bigger crop after two poor years. Falling
            prices on world markets have taken some of the joy out of it.
        """,
        text="""
            Hazelnut growers in western Georgia gathered their largest crop in five years this
            season, according to estimates from exporters, after two years in which pests and bad
            weather cut yields by almost half.

            The recovery follows a campaign against the brown marmorated stink bug, an invasive
            insect that damaged orchards across Samegrelo and Guria, and a year of kind weather
            during flowering.

            ## Prices fall with the world market

            Farmers are not celebrating. Buyers are paying about a fifth less per kilogram than last
            year, because Turkey, the world's largest producer, also had a strong harvest and prices
            on international markets have fallen.

            Many growers sell to middlemen straight after picking because they lack storage and need
            cash. Those who can keep their nuts for a few months often get better prices.

            ## Processing at home

            Exporters say the answer lies in selling more processed products, such as roasted and
            chopped kernels or paste for confectioners, instead of raw nuts in their shells. Two new
            processing plants opened in Zugdidi this year.
        """,
        quote=Quote(
            """
                A good harvest at a bad price still pays the school fees. But we need storage here
                in the village, so that we are not forced to sell on the first day.
            """,
            "Gela Todua",
            "a hazelnut grower in Zugdidi district",
        ),
        tags=("agriculture", "exports"),
        author=GIORGI,
        desk="regions",
    ),
    Story(
        key="en-data-centre",
        locale="en",
        category="technology",
        title="Data centre near Rustavi to run on hydropower and cool itself with river water",
        lead="""
            An investor group plans a 20-megawatt facility aimed at cloud providers and banks in the
            region, with construction due to start next year.
        """,
        text="""
            A group of Georgian and Gulf investors has announced plans for a 20-megawatt data centre
            near Rustavi, south-east of Tbilisi, which would be the largest in the South Caucasus.
            The first phase is expected to cost about 90 million dollars.

            The developers say they chose the site for its cheap electricity, most of which comes
            from hydropower, and for access to water from the Mtkvari river for cooling. Fibre lines
            running through Georgia to Turkey and Azerbaijan would connect the centre to Europe and
            Asia.

            ## Who would use it

            The centre is aimed at cloud providers that want to serve customers in the Caucasus and
            Central Asia, and at local banks and government agencies that are required to keep
            certain data inside the country.

            ## Questions about electricity

            Energy experts welcome the investment but note that Georgia imports electricity in
            winter, when rivers run low, while a data centre draws power steadily all year round.

            The developers say they will sign long-term contracts with new solar plants and buy
            imported power in winter if needed. The energy ministry said the project would be
            treated as a priority for grid connection.
        """,
        quote=Quote(
            """
                Data has to live somewhere cool, cheap and well connected. Georgia has two of the
                three, and the river gives us the third.
            """,
            "Tornike Abuladze",
            "chief executive of Caucasus Cloud Park",
        ),
        tags=("digital", "investment", "hydropower"),
        author=ANA,
        desk="technology",
    ),
    Story(
        key="en-public-services-app",
        locale="en",
        category="technology",
        title="Public services move into a single mobile app",
        lead="""
            Georgians can now renew documents, pay fines and register a business from their phones.
            Officials expect half of all requests to come through the app within two years.
        """,
        text="""
            The government launched a single mobile application for public services on Monday,
            bringing together more than 300 services that were previously spread across a dozen
            websites and offices. Users sign in with their electronic identity card or a
            bank-verified login.

            The first version lets people renew passports and identity cards, register property, pay
            traffic fines and taxes, and set up a sole proprietorship in about fifteen minutes. Fees
            are paid by card inside the app.

            ## Built at home

            The app was developed by the state's digital agency together with three Georgian
            software firms, rather than bought from a foreign supplier. Officials said this would
            make it cheaper to maintain and quicker to change.

            ## Privacy concerns

            Digital rights groups asked for more detail on how personal data is stored and who can
            see the logs of what citizens do in the app. The agency said that the data stays on
            servers in Georgia, is encrypted and can be read only by the agency that provides each
            service.

            The public service halls, where people can get the same services in person, will remain
            open.
        """,
        quote=Quote(
            """
                My grandmother will still go to the public service hall, and that is fine. But her
                grandson should not have to take a day off work to renew a document.
            """,
            "Elene Maisuradze",
            "director of the state digital services agency",
        ),
        tags=("digital", "budget"),
        author=ANA,
        desk="technology",
    ),
    Story(
        key="en-fintech-seed",
        locale="en",
        category="startups",
        title="Tbilisi fintech start-up raises $4 million to help small shops take card payments",
        lead="""
            Kisa, which turns an ordinary phone into a card terminal, will use the money to expand
            to Armenia and Uzbekistan.
        """,
        text="""
            Kisa, a Tbilisi start-up whose app turns an ordinary smartphone into a card terminal,
            has raised 4 million dollars in a seed round led by a venture fund from Warsaw, with
            angel investors from Georgia and the Gulf taking part.

            The company was founded three years ago by two former bank engineers. Its app lets a
            market trader, a taxi driver or a small shop accept contactless cards and phone payments
            without buying a separate terminal, for a fee below what most banks charge.

            ## From market stalls to the region

            Kisa says it has about 18,000 active merchants in Georgia, most of them in towns outside
            Tbilisi, and processes payments worth several million lari a month. The new money will
            pay for licences and local teams in Armenia and Uzbekistan.

            The company also plans to offer small loans to merchants, based on their payment
            history, in partnership with a licensed lender.

            That matters to merchants, many of whom find it hard to borrow from a bank.

            ## A crowded market

            Competition is fierce. The large banks have launched phone-based terminals of their own,
            and regional payment firms are moving in. Kisa's founders say their edge is the speed of
            signing up: about ten minutes, with no visit to a branch.
        """,
        quote=Quote(
            """
                Half of our merchants had never accepted a card before. They didn't need a bank
                branch; they needed an app that works on the phone they already have.
            """,
            "Luka Chikovani",
            "co-founder and chief executive of Kisa",
        ),
        tags=("startups", "fintech", "investment"),
        author=ANA,
        desk="technology",
        featured=True,
        pair="fintech-seed",
    ),
    Story(
        key="en-batumi-accelerator",
        locale="en",
        category="startups",
        title="Batumi accelerator picks twelve teams for its new cohort, half of them from abroad",
        lead="""
            The programme, backed by the city and a group of local businesses, gives each team
            25,000 dollars and three months of mentoring by the sea.
        """,
        text="""
            A start-up accelerator in Batumi has chosen twelve young companies for its new
            three-month programme from more than 400 applications, its organisers said. Six of the
            teams come from outside Georgia, including from Kazakhstan, Ukraine, Poland and Turkey.

            Each team receives 25,000 dollars in exchange for a small stake, office space in the
            city centre and weekly sessions with mentors, among them founders who have sold
            companies and managers from regional banks and logistics firms.

            ## Travel, logistics and food

            The selected teams work mostly in areas where the Black Sea city has something to offer:
            software for hotels and tour operators, tools for freight forwarders at the port and a
            marketplace connecting farmers in Adjara with restaurants.

            ## Keeping the talent

            City officials hope that some of the foreign teams will stay. Batumi offers low taxes
            for small IT companies, and direct flights to Istanbul, Warsaw and Tel Aviv make it easy
            to meet investors.

            The programme ends with a demo day, at which the teams will present to about forty
            investors from the region.
        """,
        quote=Quote(
            """
                Batumi is not trying to be Silicon Valley. We want to be the best place on the Black
                Sea to build a company that serves travellers and traders.
            """,
            "Tamta Diasamidze",
            "programme director of the Batumi Seaside Accelerator",
        ),
        tags=("startups", "investment"),
        author=ANA,
        desk="technology",
    ),
    Story(
        key="en-hydropower-record",
        locale="en",
        category="energy",
        title="Hydropower output hits a record, and Georgia sells the surplus to Turkey",
        lead="""
            Heavy snowmelt filled reservoirs and rivers, letting power plants generate more than the
            country could use. Exports earned more than 60 million dollars in three months.
        """,
        text="""
            Georgian hydropower plants generated more electricity over the past three months than in
            any comparable period on record, according to the electricity system operator, after a
            snowy winter in the Caucasus was followed by heavy melt in the mountains.

            Output from hydropower rose by 14 per cent on the year. With domestic demand covered,
            traders exported the surplus, mainly to Turkey and in smaller amounts to Armenia and
            Azerbaijan, earning more than 60 million dollars.

            The export earnings also lent support to the lari, as the dollars from power sales were
            exchanged on the local currency market.

            ## The winter gap remains

            The record masks a familiar problem. In winter, when rivers are low and heating demand
            is high, Georgia still imports electricity and burns gas in its thermal plants in
            Gardabani. Over a year the country's electricity trade roughly balances, but the surplus
            and the deficit fall in different seasons.

            Energy officials say storage reservoirs and new solar and wind capacity are the way to
            narrow that gap.

            ## New plants in the pipeline

            The government has signed agreements for more than forty new hydropower plants, most of
            them small run-of-river schemes. Several larger dams remain contested because of their
            impact on villages and rivers, and local protests have stalled at least two projects.
        """,
        quote=Quote(
            """
                In summer we have more water than wires to send it away. In winter we have the wires
                but not the water. Every investment decision now is about moving energy from one
                season to the other.
            """,
            "Ilia Gogiberidze",
            "energy analyst at the Tbilisi Energy Forum",
        ),
        tags=("hydropower", "exports", "renewables"),
        author=GIORGI,
        desk="business",
        pair="hydropower-record",
    ),
    Story(
        key="en-kakheti-solar",
        locale="en",
        category="energy",
        title="Solar parks in Kakheti win grid connection as first large projects move ahead",
        lead="""
            Three solar plants with a combined 150 megawatts received grid connection approval, a
            key step towards the country's first utility-scale solar farms.
        """,
        text="""
            The electricity transmission operator has approved grid connections for three solar
            parks in Kakheti with a combined capacity of 150 megawatts, clearing the way for what
            would be Georgia's first utility-scale solar farms.

            The projects, near Sagarejo, Gurjaani and Dedoplistskaro, are being developed by a
            Georgian company with financing from two international development banks. Construction
            of the first plant is due to begin within months.

            ## Sunshine that complements water

            Kakheti, in the east, has some of the sunniest land in the Caucasus. Solar power peaks
            in summer, when Georgia already has surplus hydropower, but developers say batteries and
            a better-connected grid will let the plants sell power abroad and at home when demand is
            high.

            ## Farmers and landowners

            The parks will cover about 300 hectares of land that was mostly used for grazing.
            Landowners will receive rent for 25 years, and the developer has promised to keep part
            of the land open for sheep to graze between the panels.

            Some winegrowers have asked that vineyards be kept out of future projects.
        """,
        quote=Quote(
            """
                Ten years ago nobody believed solar would pay in Georgia. Now the panels are cheap,
                and the only question is how fast the grid can take the power.
            """,
            "Mzia Chachava",
            "chief executive of Gombori Solar",
        ),
        tags=("renewables", "investment"),
        author=GIORGI,
        desk="regions",
    ),
    Story(
        key="en-tbilisi-hotels",
        locale="en",
        category="tourism",
        title="Tbilisi hotels report near-full bookings as new flights arrive",
        lead="""
            Occupancy in the capital's hotels ran above 85% over the past month, and hoteliers say
            bookings for the coming weeks are stronger than last year.
        """,
        text="""
            Hotels in Tbilisi filled more than 85 per cent of their rooms over the past month,
            according to a survey by the hotel association, the highest occupancy for this time of
            year since before the pandemic. Room rates rose by an average of nine per cent.

            Hoteliers credit new direct flights from European cities and the Gulf, as well as the
            growing number of conferences held in the capital. After visitors from neighbouring
            countries, guests from Israel, Poland and Germany booked the most rooms.

            Most of the new flights will run all year round, not only in the peak season.

            ## New rooms on the way

            More than twenty hotels are under construction in Tbilisi, including several
            international brands. Owners of small guest houses in the old town worry that the new
            supply will push prices down once demand stops growing.

            Some hotels are already looking to offer guests more than a bed, from city tours to
            cookery classes.

            ## Staff wanted

            The biggest constraint, hoteliers say, is people. Hotels are competing for
            receptionists, cooks and housekeepers, and several have begun to recruit abroad. The
            hotel association is working with vocational colleges on a new apprenticeship programme.

            Students on the programme will spend half their time in hotels, working alongside
            experienced staff.

            Tourism officials expect a record number of international visitor trips this year.
        """,
        quote=Quote(
            """
                We can build rooms in two years. Training a good head chef takes ten. That is where
                the industry needs to invest now.
            """,
            "Giorgi Shengelia",
            "general manager of a boutique hotel in Sololaki",
        ),
        tags=("tourism-season", "investment", "labour-market"),
        author=ANA,
        desk="business",
        pair="tbilisi-hotels",
    ),
    Story(
        key="en-kutaisi-flights",
        locale="en",
        category="tourism",
        title="Low-cost carriers add six new routes from Kutaisi to European cities",
        lead="""
            New flights to cities in Italy, Germany, Spain and Poland will make Kutaisi airport
            busier than it has ever been, its operator says.
        """,
        text="""
            Two low-cost airlines will start flying from Kutaisi to six more European cities over
            the coming months, the airport's operator said on Wednesday, bringing the number of
            destinations from western Georgia to more than thirty.

            The new routes include flights to Bari, Nuremberg, Seville and Wroclaw, most of them two
            or three times a week. Tickets went on sale the same day, with introductory fares from
            29 euros one way.

            ## A gateway to the west

            Kutaisi has become the main point of entry for budget travellers to Georgia, and the
            region around it is starting to benefit. Guest houses in Imereti and on the roads to
            Racha and Svaneti report more bookings from first-time visitors who land in Kutaisi
            rather than Tbilisi.

            ## A terminal under pressure

            The airport's single terminal is already crowded at peak times. The operator says an
            extension with new gates and a larger baggage hall will open next year, and that it is
            negotiating with airlines for year-round flights instead of seasonal ones.

            Tourism businesses in Imereti hope that year-round routes will help them keep their
            staff through the winter.
        """,
        quote=Quote(
            """
                Five years ago a visitor from Seville would have had to change planes twice. Now
                they are in Kutaisi by lunchtime and in a Racha village by dinner.
            """,
            "Maia Lordkipanidze",
            "head of the Imereti tourism association",
        ),
        tags=("tourism-season", "transit"),
        author=ANA,
        desk="regions",
    ),
)
