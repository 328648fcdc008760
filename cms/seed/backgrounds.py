"""One background paragraph per section and language: the context a wire story closes with."""

BACKGROUNDS: dict[tuple[str, str], str] = {
    ("economy", "en"): """
        For context: Georgia is a small, open economy of about 3.7 million people, where tourism
        receipts, remittances and transit trade bring in a large share of foreign currency. That
        makes the lari sensitive to the seasons and to the fortunes of neighbouring markets, and it
        is why the National Bank watches imported inflation closely when it sets its policy rate.
    """,
    ("economy", "ka"): """
        შეგახსენებთ, საქართველო დაახლოებით 3.7 მილიონი მოსახლეობის მქონე მცირე და ღია
        ეკონომიკაა, სადაც უცხოური ვალუტის მნიშვნელოვანი ნაწილი ტურიზმიდან, ფულადი
        გზავნილებიდან და სატრანზიტო ვაჭრობიდან შემოდის. სწორედ ამიტომ ლარი მგრძნობიარეა
        სეზონური რყევებისა და მეზობელი ბაზრების მიმართ, ეროვნული ბანკი კი მონეტარული
        პოლიტიკის განაკვეთის განსაზღვრისას იმპორტირებულ ინფლაციას განსაკუთრებით ყურადღებით
        აკვირდება. ეკონომისტები ამიტომაც ურჩევენ მთავრობას, ექსპორტის ბაზა გააფართოოს, რათა
        ეკონომიკა რამდენიმე დარგზე არ იყოს დამოკიდებული.
    """,
    ("finance", "en"): """
        Georgia's capital market remains small next to its banks: most companies still borrow from
        lenders rather than issue bonds or shares. Regulators and the government have spent several
        years building the pieces a deeper market needs, from a pension scheme that invests locally
        to clearer listing rules, and investors say liquidity is the test that still lies ahead.
    """,
    ("finance", "ka"): """
        საქართველოს კაპიტალის ბაზარი ბანკებთან შედარებით ჯერ კიდევ მცირეა: კომპანიების
        უმეტესობა ობლიგაციების ან აქციების გამოშვების ნაცვლად ისევ საბანკო სესხებს იღებს.
        რეგულატორი და მთავრობა რამდენიმე წელია ქმნიან ღრმა ბაზრისთვის საჭირო
        ინფრასტრუქტურას — ადგილობრივ ბაზარზე ინვესტირებადი საპენსიო სქემიდან ლისტინგის
        უფრო მკაფიო წესებამდე, თუმცა ინვესტორების თქმით, მთავარი გამოცდა ჯერ კიდევ
        ლიკვიდურობაა. ბაზრის მონაწილეები იმედოვნებენ, რომ სახელმწიფო კომპანიების აქციების ნაწილის
        ბირჟაზე განთავსება ამ პრობლემის გადაჭრას შეუწყობს ხელს.
    """,
    ("banking", "en"): """
        The banking sector is dominated by a handful of large lenders that hold most of the
        system's assets, and competition has moved increasingly to mobile apps and payment
        services. Dollarisation, once above two thirds of deposits, has fallen steadily thanks to
        rules that favour lending in lari, and the share of loans in the national currency keeps
        rising.
    """,
    ("banking", "ka"): """
        საბანკო სექტორში რამდენიმე მსხვილი ბანკი დომინირებს, რომლებსაც სისტემის აქტივების
        უდიდესი ნაწილი უჭირავს, კონკურენცია კი სულ უფრო მეტად მობილურ აპლიკაციებსა და
        საგადახდო სერვისებში გადადის. დოლარიზაცია, რომელიც ოდესღაც დეპოზიტების ორ მესამედს
        აღემატებოდა, ლარში დაკრედიტების წამახალისებელი წესების წყალობით თანდათან მცირდება,
        ეროვნულ ვალუტაში გაცემული სესხების წილი კი ისევ იზრდება. ეროვნული ბანკი სექტორს მკაცრად
        არეგულირებს: კაპიტალის მოთხოვნები ევროპულ სტანდარტებთანაა დაახლოებული, რაც ბანკებს
        კრიზისების დროს მდგრადობას უნარჩუნებს.
    """,
    ("business", "en"): """
        Georgian companies are mostly small and family-owned, and many export to a narrow set of
        markets, which leaves them exposed when one buyer country slows. Free trade agreements with
        the European Union and with China have widened the options, and business groups say access
        to long-term finance and skilled staff now matters more than tariffs.
    """,
    ("business", "ka"): """
        ქართული კომპანიების უმეტესობა მცირე და ოჯახური ბიზნესია, ბევრი მათგანი კი ბაზრების
        ვიწრო წრეზე ახორციელებს ექსპორტს, რაც მათ დაუცველს ხდის, როცა ერთ-ერთ მყიდველ
        ქვეყანაში მოთხოვნა ნელდება. ევროკავშირთან და ჩინეთთან თავისუფალი ვაჭრობის
        შეთანხმებებმა არჩევანი გააფართოვა, ბიზნესასოციაციების თქმით კი ახლა ტარიფებზე
        მეტად გრძელვადიანი დაფინანსება და კვალიფიციური კადრებია მნიშვნელოვანი. სახელმწიფო
        თანადაფინანსების პროგრამები მცირე საწარმოებს სესხის პროცენტის ნაწილის დაფარვასა და ახალი
        აღჭურვილობის შეძენაში ეხმარება.
    """,
    ("politics", "en"): """
        Economic policy in Georgia is set largely by the government and the parliamentary
        majority, with the parliamentary budget office and the state auditor providing most of the
        scrutiny. Business associations are consulted on most tax and licensing changes, though
        they often say the time between a draft and a vote is too short for companies to prepare.
    """,
    ("politics", "ka"): """
        საქართველოში ეკონომიკურ პოლიტიკას ძირითადად მთავრობა და საპარლამენტო უმრავლესობა
        განსაზღვრავს, ზედამხედველობის მთავარი ფუნქცია კი საპარლამენტო საბიუჯეტო ოფისსა და
        სახელმწიფო აუდიტს აკისრია. საგადასახადო და სალიცენზიო ცვლილებებზე
        ბიზნესასოციაციებთან კონსულტაციები, როგორც წესი, იმართება, თუმცა კომპანიები ხშირად
        ჩივიან, რომ კანონპროექტის გამოქვეყნებიდან კენჭისყრამდე მოსამზადებლად ძალიან ცოტა დრო
        რჩება. ბიზნესის წარმომადგენლები ასევე ითხოვენ, რომ მნიშვნელოვანი ცვლილებები ამოქმედებამდე
        სულ მცირე ექვსი თვით ადრე გამოქვეყნდეს.
    """,
    ("world", "en"): """
        Georgia sits on the shortest land route between the Black Sea and the Caspian, so events
        far from Tbilisi — a war, a sanctions package, a jump in freight rates — quickly show up in
        its ports, railways and border crossings. Turkey, Russia, China and the European Union are
        its largest trading partners, and each shapes a different part of the economy.
    """,
    ("world", "ka"): """
        საქართველო შავ და კასპიის ზღვებს შორის უმოკლეს სახმელეთო მარშრუტზე მდებარეობს,
        ამიტომ თბილისიდან შორს მომხდარი მოვლენები — ომი, სანქციები თუ სატვირთო ტარიფების
        ზრდა — სწრაფად აისახება ქვეყნის პორტებზე, რკინიგზასა და სასაზღვრო გამშვებ პუნქტებზე.
        თურქეთი, რუსეთი, ჩინეთი და ევროკავშირი საქართველოს უმსხვილესი სავაჭრო პარტნიორები
        არიან და თითოეული მათგანი ეკონომიკის სხვადასხვა ნაწილზე ახდენს გავლენას. ამიტომ ქართული
        კომპანიები საერთაშორისო მოვლენებს ისევე ყურადღებით ადევნებენ თვალს, როგორც შიდა ბაზარს.
    """,
    ("technology", "en"): """
        The IT sector has been one of the fastest-growing parts of the Georgian economy in recent
        years, helped by a low tax regime for small software firms and an influx of developers from
        abroad. Companies say the next step is to build products of their own rather than sell
        hours of outsourced work, and that depends on engineers trained at home.
    """,
    ("technology", "ka"): """
        IT სექტორი ბოლო წლებში ქართული ეკონომიკის ერთ-ერთი ყველაზე სწრაფად მზარდი დარგია,
        რასაც მცირე პროგრამული კომპანიებისთვის დაწესებული შეღავათიანი საგადასახადო რეჟიმი და
        უცხოეთიდან ჩამოსული დეველოპერები უწყობს ხელს. კომპანიების თქმით, შემდეგი ნაბიჯი
        აუთსორსინგის საათების გაყიდვის ნაცვლად საკუთარი პროდუქტების შექმნაა, ეს კი ქვეყანაში
        მომზადებულ ინჟინრებზეა დამოკიდებული. სახელმწიფო და კერძო სექტორი პროგრამირების სასწავლო
        კურსებს ერთობლივად აფინანსებს, თუმცა მოთხოვნა მიწოდებას ჯერჯერობით კვლავ აჭარბებს.
    """,
    ("startups", "en"): """
        Georgia's startup scene is young: most companies are less than five years old, and seed
        rounds rarely exceed a few million dollars. A state innovation agency offers matching
        grants, a handful of angel networks meet in Tbilisi and Batumi, and founders increasingly
        look to funds in Istanbul, Warsaw and the Gulf for their later rounds.
    """,
    ("startups", "ka"): """
        ქართული სტარტაპ-ეკოსისტემა ჯერ ახალგაზრდაა: კომპანიების უმეტესობა ხუთ წელზე ნაკლები
        ხნისაა, სათესლე რაუნდები კი იშვიათად აჭარბებს რამდენიმე მილიონ დოლარს. სახელმწიფო
        ინოვაციების სააგენტო თანადაფინანსების გრანტებს გასცემს, თბილისსა და ბათუმში
        ბიზნესანგელოზების რამდენიმე ქსელი მოქმედებს, დამფუძნებლები კი მომდევნო რაუნდებისთვის
        სულ უფრო ხშირად სტამბოლის, ვარშავისა და სპარსეთის ყურის ქვეყნების ფონდებს მიმართავენ.
        ეკოსისტემის წარმომადგენლების აზრით, ყველაზე დიდი გამოწვევა გამოცდილი მენეჯერების ნაკლებობაა,
        რომლებსაც კომპანიის სწრაფი ზრდის მართვა შეუძლიათ.
    """,
    ("energy", "en"): """
        Hydropower supplies roughly three quarters of Georgia's electricity, which makes the system
        cheap and clean in the wet months and dependent on imports and gas-fired plants in winter.
        The government wants to close that gap with new hydro, solar and wind projects, with more
        lines to Turkey and with the Black Sea cable planned towards the European Union.
    """,
    ("energy", "ka"): """
        საქართველოს ელექტროენერგიის დაახლოებით სამ მეოთხედს ჰიდროსადგურები გამოიმუშავებს,
        რის გამოც სისტემა წყალუხვ თვეებში იაფი და სუფთაა, ზამთარში კი იმპორტსა და
        თბოსადგურებზეა დამოკიდებული. მთავრობა ამ ხარვეზის შევსებას ახალი ჰიდრო, მზისა და
        ქარის პროექტებით, თურქეთთან დამაკავშირებელი ახალი ხაზებითა და ევროკავშირისკენ
        დაგეგმილი შავი ზღვის კაბელით აპირებს. ელექტროენერგიის ბაზრის რეფორმა, რომელიც ევროპულ
        წესებთან დაახლოებას ისახავს მიზნად, ეტაპობრივად ხორციელდება.
    """,
    ("tourism", "en"): """
        Tourism brought Georgia several billion dollars a year before the pandemic and has since
        climbed above those levels, with visitors from Israel, Poland, Germany and the Gulf joining
        the traditional markets next door. The industry's weak spots remain the same: a short peak
        season, crowded roads to the mountains and a shortage of trained staff.
    """,
    ("tourism", "ka"): """
        ტურიზმს საქართველოში პანდემიამდეც წელიწადში რამდენიმე მილიარდი დოლარი შემოჰქონდა,
        მას შემდეგ კი შემოსავლებმა ამ დონეს გადააჭარბა: მეზობელი ქვეყნების ტრადიციულ
        ბაზრებს ისრაელიდან, პოლონეთიდან, გერმანიიდან და სპარსეთის ყურის ქვეყნებიდან
        ჩამოსული ვიზიტორები შეემატა. დარგის სუსტი მხარეები კი იგივე რჩება: ხანმოკლე პიკური
        სეზონი, გადატვირთული გზები მთისკენ და კვალიფიციური კადრების ნაკლებობა. დარგის
        წარმომადგენლები მთავრობას სეზონის გასახანგრძლივებლად ზამთრის ტურიზმისა და საქმიანი
        ღონისძიებების განვითარების მხარდაჭერას სთხოვენ.
    """,
}
