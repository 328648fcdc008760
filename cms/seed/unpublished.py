"""Stories readers must never see: drafts, the review queue, scheduled and archived pieces.

They read like any other story on purpose: a leak has to be caught by status, not by a title.
"""

from cms.models import ArticleStatus
from cms.seed.stories import Quote, Story

NINO = "nino.beridze"
GIORGI = "giorgi.kapanadze"
ANA = "ana.lomidze"

STORIES: tuple[Story, ...] = (
    Story(
        key="en-ride-hailing-rules",
        locale="en",
        category="politics",
        title="Ride-hailing drivers face new licence rules in Tbilisi",
        lead="""
            City hall wants every driver working for a ride-hailing app to hold a taxi licence and
            pass a vehicle inspection. Drivers say the costs will push many of them out of work.
        """,
        text="""
            Tbilisi city hall has proposed rules that would require every driver working for a
            ride-hailing app to hold a taxi licence, carry commercial insurance and pass a vehicle
            inspection twice a year.

            Officials say the rules would improve safety and bring the fast-growing app market into
            line with traditional taxis. Around 20,000 cars are estimated to be working for the apps
            in the capital, many of them part time.

            ## Drivers count the cost

            Drivers' groups say the licence, insurance and inspections would cost a driver several
            hundred lari a year, a heavy burden for those who drive in the evenings to top up
            another income. They fear many will quit or keep working without a licence.

            Passengers could also feel the change. Drivers say fares would have to rise to cover the
            new costs, especially for short trips in the city centre.

            ## Apps ask for a transition period

            The largest ride-hailing platforms said they supported higher safety standards but asked
            for a transition period of at least a year and a fully online licensing process, so that
            drivers would not have to queue at municipal offices.

            The proposal will be discussed by the city council next month.
        """,
        quote=Quote(
            """
                Nobody is against safety. But if the licence costs a month's earnings, the people
                who leave will be the part-timers who need this work the most.
            """,
            "Revaz Janelidze",
            "chair of an association of app drivers",
        ),
        tags=("labour-market", "digital"),
        author=NINO,
        desk="politics",
        status=ArticleStatus.DRAFT,
    ),
    Story(
        key="en-cement-prices",
        locale="en",
        category="business",
        title="Cement makers weigh price rise as energy costs climb",
        lead="""
            Producers say higher gas and electricity bills leave them little choice. Builders warn
            that dearer cement will feed into the price of new flats.
        """,
        text="""
            Georgia's cement producers are considering price increases of up to eight per cent,
            industry sources said, after the cost of gas and electricity for their kilns rose by
            more than a fifth this year.

            Cement is one of the most energy-intensive products made in Georgia. Producers say
            energy now accounts for nearly half of their costs, compared with about a third three
            years ago.

            ## Builders push back

            Developers, who are building at a record pace in Tbilisi and Batumi, say they will have
            to pass higher costs on to buyers. Some have begun to import cement from neighbouring
            countries, where prices are lower.

            Smaller builders in the regions, who buy in small quantities and cannot import, say they
            would be hit hardest.

            ## Efficiency investments

            One of the largest plants plans to install equipment that burns waste materials such as
            old tyres alongside gas, which would lower both its energy bill and its emissions. The
            project still needs approval from environmental regulators.

            The competition agency said it would look closely at any coordinated price increases.
        """,
        quote=Quote(
            """
                We have absorbed the higher bills for a year. If we do not raise prices, we will
                have to cut investment, and that is worse for everyone.
            """,
            "Archil Meladze",
            "commercial director of Kartli Cement",
        ),
        tags=("inflation", "real-estate"),
        author=GIORGI,
        desk="business",
        status=ArticleStatus.DRAFT,
    ),
    Story(
        key="en-deposit-insurance",
        locale="en",
        category="banking",
        title="What the higher deposit insurance limit means for savers",
        lead="""
            From next month, deposits of up to 50,000 lari per person per bank are protected. Here
            is who benefits and what is not covered.
        """,
        text="""
            The limit on insured bank deposits will rise to 50,000 lari per person per bank from the
            start of next month, up from 30,000, under rules approved by the board of the deposit
            insurance agency.

            The agency estimates that the new limit will fully cover more than 98 per cent of
            individual depositors. Deposits in foreign currency are covered too, converted to lari
            at the exchange rate on the day a bank fails.

            ## Who benefits

            The change matters most for families who keep savings for a home or a child's education
            in a single bank. Until now, some split their savings across several banks to stay under
            the limit.

            Companies and financial institutions are not covered, and neither are investments such
            as bonds or shares sold through a bank.

            ## Who pays

            Banks pay for the insurance through quarterly premiums based on the size of their
            deposits. Bankers say the increase in premiums is manageable, and that greater trust in
            deposits helps them fund lending in lari.
        """,
        quote=Quote(
            """
                Insurance does its job best when nobody has to use it. What it changes is the mood:
                people stop queuing at the branch at the first rumour.
            """,
            "Natia Jorbenadze",
            "banking lawyer at Rustaveli Partners",
        ),
        tags=("national-bank", "investment"),
        author=NINO,
        desk="markets",
        status=ArticleStatus.SCHEDULED,
    ),
    Story(
        key="en-diesel-subsidy-ends",
        locale="en",
        category="energy",
        title="Diesel subsidy for farmers ends after the harvest",
        lead="""
            The scheme paid part of the fuel bill for small farmers during a year of high prices.
            The ministry says it has done its job.
        """,
        text="""
            The agriculture ministry will end its diesel subsidy for small farmers after this year's
            harvest, officials said, arguing that fuel prices have fallen back to levels that
            farmers can manage without support.

            The scheme, launched when diesel prices rose sharply, paid part of the fuel bill for
            farmers working up to ten hectares. More than 60,000 farmers registered for it, most of
            them in Kakheti and Shida Kartli.

            ## Farmers ask for a phase-out

            Farmers' associations asked the ministry to reduce the subsidy gradually instead of
            ending it at once, saying that fertiliser and seed prices remain high and that many
            farms have thin margins.

            Some also asked for the subsidy to be kept for farmers in mountain villages, where fuel
            costs more and distances to markets are longer.

            ## Money moves to irrigation

            The ministry said the money saved would go to repairing irrigation canals, which it
            called a longer-lasting way to support farm incomes. Several canals in Kakheti and Kvemo
            Kartli are due to be rebuilt next year.
        """,
        quote=Quote(
            """
                A subsidy helps for a season. A working canal helps for thirty years. We would
                rather spend the money on what lasts.
            """,
            "Paata Kurashvili",
            "head of rural development at the agriculture ministry",
        ),
        tags=("agriculture", "budget"),
        author=GIORGI,
        desk="regions",
        status=ArticleStatus.ARCHIVED,
    ),
    Story(
        key="ka-batumi-cruise-terminal",
        locale="ka",
        category="tourism",
        title="ბათუმში საკრუიზო გემებისთვის ახალი ტერმინალის აშენება იგეგმება",
        lead="""
            ბათუმის პორტი საკრუიზო გემებისთვის ცალკე ნავმისადგომისა და სამგზავრო ტერმინალის აშენებას
            გეგმავს. პროექტის ღირებულება 40 მილიონ დოლარამდეა.
        """,
        text="""
            ბათუმის პორტის ოპერატორი საკრუიზო გემებისთვის ახალი ნავმისადგომისა და სამგზავრო
            ტერმინალის მშენებლობას გეგმავს. პროექტის წინასწარი ღირებულება 40 მილიონ დოლარამდეა,
            მშენებლობა კი ორ წელიწადს გასტანს.

            ამჟამად საკრუიზო გემები სატვირთო ნავმისადგომებზე დგება, რაც მგზავრებისთვის
            არასასიამოვნოა და ტვირთების დამუშავებასაც აფერხებს. ახალი ტერმინალი ერთდროულად ორი დიდი
            გემის მიღებას შეძლებს, შენობაში კი საბაჟო, ტურისტული საინფორმაციო ცენტრი და მაღაზიები
            განთავსდება.

            ## შავი ზღვის კრუიზები ბრუნდება

            ტურიზმის სპეციალისტების თქმით, შავი ზღვის საკრუიზო მარშრუტებზე მოთხოვნა თანდათან აღდგება
            და კომპანიები ბათუმის სტამბოლისა და კონსტანცის მარშრუტებში ჩართვას განიხილავენ. ერთი
            დიდი გემი ქალაქში ერთ დღეში რამდენიმე ათას ტურისტს ჩამოიყვანს.

            საკრუიზო მგზავრები, როგორც წესი, ქალაქში რამდენიმე საათს ატარებენ, თუმცა ამ დროში
            რესტორნებში, მაღაზიებსა და ექსკურსიებზე საკმაოდ დიდ თანხას ხარჯავენ.

            პორტის ოპერატორის შეფასებით, ტერმინალის ამოქმედების შემდეგ ბათუმს სეზონზე ასამდე
            საკრუიზო გემი ეწვევა, რაც ქალაქს ას ათასზე მეტ დამატებით ვიზიტორს მოუყვანს.

            ## ქალაქის მზადყოფნა

            ბათუმის მერიამ ძველი ქალაქიდან ტერმინალამდე ფეხით სავალი ბილიკისა და ტურისტული
            ავტობუსების გაჩერებების მოწყობა დაიწყო. ადგილობრივი ბიზნესი, განსაკუთრებით რესტორნები და
            სუვენირების მაღაზიები, პროექტს დიდი მოლოდინით ხვდება.

            ტერმინალის შენობის არქიტექტურული კონკურსი წლის ბოლომდე გამოცხადდება. გიდების ასოციაცია
            კი ინგლისურ და
            გერმანულ ენებზე ექსკურსიების რაოდენობის გაზრდას გეგმავს.
        """,
        quote=Quote(
            """
                საკრუიზო მგზავრი ქალაქში მხოლოდ ექვს საათს ატარებს, მაგრამ თუ ბათუმი მოეწონა, ერთ
                წელიწადში ოჯახთან ერთად, მთელი კვირით დაბრუნდება.
            """,
            "ნინო ცინცაძე",
            "აჭარის ტურისტული ოპერატორების ასოციაციის წევრი",
        ),
        tags=("tourism-season", "black-sea-ports", "investment"),
        author=ANA,
        desk="regions",
        status=ArticleStatus.DRAFT,
    ),
    Story(
        key="ka-household-spending",
        locale="ka",
        category="economy",
        title=(
            "როგორ იცვლება ოჯახების ხარჯები: საკვებისა და საცხოვრებლის წილი ბიუჯეტის ნახევარს "
            "უახლოვდება"
        ),
        lead="""
            შინამეურნეობების კვლევის ახალი მონაცემებით, საშუალო ოჯახი შემოსავლის თითქმის ნახევარს
            საკვებსა და საცხოვრებელზე ხარჯავს. დასვენებასა და განათლებაზე დახარჯული თანხის წილი
            ოდნავ გაიზარდა.
        """,
        text="""
            შინამეურნეობების შემოსავლებისა და ხარჯების ყოველწლიური კვლევის მიხედვით, საშუალო ქართული
            ოჯახი თვიური ბიუჯეტის დაახლოებით 33 პროცენტს საკვებზე ხარჯავს, კიდევ 15 პროცენტს კი —
            ქირასა და კომუნალურ გადასახადებზე. ათი წლის წინ საკვების წილი 40 პროცენტს აღემატებოდა.

            საკვების წილის შემცირება, როგორც წესი, შემოსავლების ზრდის ნიშანია: რაც უფრო შეძლებულია
            ოჯახი, მით ნაკლებ წილს ხარჯავს აუცილებელ საჭიროებებზე. თუმცა კვლევა დიდ განსხვავებებს
            აჩვენებს ქალაქსა და სოფელს შორის.

            ## ქალაქი და სოფელი

            თბილისში ოჯახები შემოსავლის მნიშვნელოვან ნაწილს ქირაზე, ტრანსპორტსა და კერძო განათლებაზე
            ხარჯავენ. სოფლად კი საკვების წილი კვლავ მაღალია, თუმცა ბევრი ოჯახი საკვების ნაწილს თავად
            აწარმოებს და მას ბაზარზე არ ყიდულობს.

            მკვლევრები აღნიშნავენ, რომ სოფლად მცხოვრები ოჯახების შემოსავლის მნიშვნელოვანი ნაწილი
            კვლავ პენსიებსა და ფულად გზავნილებზე მოდის.

            კვლევის მიხედვით, ქირით მცხოვრები ოჯახები თბილისში შემოსავლის მეოთხედზე მეტს მხოლოდ
            საცხოვრებელზე ხარჯავენ, რაც ათი წლის წინანდელ მაჩვენებელზე თითქმის ორჯერ მეტია.

            ## დასვენება და განათლება

            ოჯახები დასვენებაზე, რესტორნებსა და მოგზაურობაზე წინა წლებთან შედარებით მეტს ხარჯავენ.
            იზრდება ხარჯები განათლებაზეც — კერძო სკოლებზე, რეპეტიტორებსა და უცხო ენის კურსებზე.
            ეკონომისტების აზრით, ეს ტენდენცია საშუალო ფენის ზრდაზე მიუთითებს, თუმცა ეს ზრდა ქვეყნის
            ყველა კუთხეში თანაბრად არ შეინიშნება.
        """,
        quote=Quote(
            """
                ციფრები აჩვენებს, რომ საშუალო ოჯახი ოდნავ უკეთ ცხოვრობს, მაგრამ საშუალო ოჯახი
                იშვიათად არსებობს. თბილისში ქირით მცხოვრები ახალგაზრდა წყვილისთვის სურათი სულ სხვაა.
            """,
            "ეკა ჯაფარიძე",
            "„კოლხეთის ეკონომიკური ინსტიტუტის“ დირექტორი",
        ),
        tags=("inflation", "labour-market", "real-estate"),
        author=NINO,
        desk="business",
        status=ArticleStatus.SCHEDULED,
    ),
    Story(
        key="ka-efficiency-grants",
        locale="ka",
        category="energy",
        title="მცირე საწარმოებს ენერგოეფექტურობის გრანტები დაეხმარება",
        lead="""
            ახალი პროგრამით მცირე და საშუალო საწარმოები მზის პანელების, თბოტუმბოებისა და
            თბოიზოლაციის ხარჯის 40 პროცენტამდე ანაზღაურებას მიიღებენ.
        """,
        text="""
            ეკონომიკის სამინისტრო მცირე და საშუალო საწარმოებისთვის ენერგოეფექტურობის საგრანტო
            პროგრამას იწყებს. პროგრამის ფარგლებში კომპანიებს მზის პანელების, თბოტუმბოების, ეფექტიანი
            განათებისა და შენობების თბოიზოლაციის ხარჯის 40 პროცენტამდე აუნაზღაურდებათ, თუმცა
            არაუმეტეს 100 ათასი ლარისა.

            პროგრამის ბიუჯეტი 30 მილიონი ლარია, რომლის ნაწილსაც ევროპელი პარტნიორები აფინანსებენ.
            განაცხადების მიღება მხოლოდ ონლაინ იქნება შესაძლებელი.

            ## რატომ ახლა

            ბოლო ორ წელიწადში ელექტროენერგიისა და გაზის ტარიფები ბიზნესისთვის მნიშვნელოვნად
            გაიზარდა. მცირე საწარმოების — საცხობების, სასტუმროებისა და სამკერვალო საამქროების —
            ხარჯებში ენერგიის წილი ზოგჯერ მეხუთედს აღემატება.

            ბევრ მათგანს ენერგოეფექტურ ტექნოლოგიებზე გადასვლა სურს, თუმცა საწყისი ინვესტიციის
            დასაფარად საკმარისი თანხა არ აქვს, ბანკები კი ასეთ პროექტებს ყოველთვის არ აფინანსებენ.

            სამინისტროს შეფასებით, პროგრამაში მონაწილე საწარმოები ენერგიის ხარჯს საშუალოდ მესამედით
            შეამცირებენ, რაც ინვესტიციას ოთხ-ხუთ წელიწადში აანაზღაურებს. ამავდროულად, ქვეყანა
            ზამთარში ნაკლებ ელექტროენერგიას შემოიტანს.

            ## მოთხოვნები განმცხადებლებს

            გრანტის მისაღებად კომპანიამ ენერგოაუდიტი უნდა ჩაატაროს, რომელიც აჩვენებს, რამდენ
            ენერგიას დაზოგავს ინვესტიცია. პრიორიტეტი მიენიჭება პროექტებს, რომლებიც ენერგომოხმარებას
            სულ მცირე მეოთხედით ამცირებს, ასევე რეგიონებში მოქმედ საწარმოებს. აუდიტის ხარჯის
            ნახევარსაც პროგრამა დაფარავს.

            პროგრამა ჯერ კიდევ განხილვის ეტაპზეა და მისი საბოლოო პირობები შეიძლება შეიცვალოს.
            სამინისტროს ინფორმაციით, ბიზნესასოციაციების შენიშვნები მომდევნო ორი კვირის განმავლობაში
            მიიღება.
        """,
        quote=Quote(
            """
                ჩვენი საცხობის ღუმელები დღე-ღამეში თვრამეტ საათს მუშაობს. სახურავზე მზის პანელები ორ
                წელიწადში ამოიღებს თავის ფასს, მაგრამ თავიდან ამ თანხის გადახდა მარტო ვერ შევძელით.
            """,
            "გურამ ნოზაძე",
            "ქუთაისური საცხობის მფლობელი",
        ),
        tags=("renewables", "investment"),
        author=GIORGI,
        desk="business",
        status=ArticleStatus.IN_REVIEW,
    ),
)
