"""The demo newsroom's sections and tags: a business portal's menu, in Georgian and English."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CategorySeed:
    """A section of the site; `parent` names another section's slug to build the tree."""

    slug: str
    names: dict[str, str]
    descriptions: dict[str, str]
    position: int
    parent: str | None = None
    show_in_menu: bool = True


@dataclass(frozen=True, slots=True)
class TagSeed:
    slug: str
    names: dict[str, str]


CATEGORIES: tuple[CategorySeed, ...] = (
    CategorySeed(
        "economy",
        {"ka": "ეკონომიკა", "en": "Economy"},
        {
            "ka": "ზრდა, ინფლაცია, ლარის კურსი და ყველაფერი, რაც ოჯახის ბიუჯეტზე აისახება.",
            "en": "Growth, inflation, the lari and everything that reaches household budgets.",
        },
        0,
    ),
    CategorySeed(
        "finance",
        {"ka": "ფინანსები", "en": "Finance"},
        {
            "ka": "ბაზრები, ობლიგაციები, დაზღვევა და საპენსიო დანაზოგები.",
            "en": "Markets, bonds, insurance and pension savings.",
        },
        1,
    ),
    CategorySeed(
        "business",
        {"ka": "ბიზნესი", "en": "Business"},
        {
            "ka": "კომპანიები, ექსპორტი, ინვესტიციები და ახალი სამუშაო ადგილები.",
            "en": "Companies, exports, investment and new jobs.",
        },
        2,
    ),
    CategorySeed(
        "politics",
        {"ka": "პოლიტიკა", "en": "Politics"},
        {
            "ka": "კანონები, ბიუჯეტი და გადაწყვეტილებები, რომლებიც ბიზნესის წესებს ცვლის.",
            "en": "Laws, budgets and decisions that change the rules for business.",
        },
        3,
    ),
    CategorySeed(
        "world",
        {"ka": "მსოფლიო", "en": "World"},
        {
            "ka": "რეგიონი და მსოფლიო ბაზრები ქართული ეკონომიკის თვალით.",
            "en": "The region and world markets as they touch the Georgian economy.",
        },
        4,
    ),
    CategorySeed(
        "technology",
        {"ka": "ტექნოლოგიები", "en": "Technology"},
        {
            "ka": "ციფრული სერვისები, ტელეკომი და IT ინდუსტრია.",
            "en": "Digital services, telecoms and the IT industry.",
        },
        5,
    ),
    CategorySeed(
        "energy",
        {"ka": "ენერგეტიკა", "en": "Energy"},
        {
            "ka": "ჰიდროენერგეტიკა, მზე და ქარი, საწვავის ფასები და ელექტროენერგიის ბაზარი.",
            "en": "Hydropower, solar and wind, fuel prices and the electricity market.",
        },
        6,
    ),
    CategorySeed(
        "tourism",
        {"ka": "ტურიზმი", "en": "Tourism"},
        {
            "ka": "სასტუმროები, ფრენები, კურორტები და ვიზიტორების ხარჯები.",
            "en": "Hotels, flights, resorts and what visitors spend.",
        },
        7,
    ),
    CategorySeed(
        "banking",
        {"ka": "საბანკო სექტორი", "en": "Banking"},
        {
            "ka": "სესხები, დეპოზიტები, განაკვეთები და ციფრული გადახდები.",
            "en": "Loans, deposits, interest rates and digital payments.",
        },
        0,
        parent="finance",
    ),
    CategorySeed(
        "startups",
        {"ka": "სტარტაპები", "en": "Startups"},
        {
            "ka": "ახალი კომპანიები, ინვესტორები და აქსელერატორები.",
            "en": "Young companies, their investors and accelerators.",
        },
        0,
        parent="technology",
    ),
)

TAGS: tuple[TagSeed, ...] = (
    TagSeed("inflation", {"ka": "ინფლაცია", "en": "Inflation"}),
    TagSeed("national-bank", {"ka": "ეროვნული ბანკი", "en": "National Bank"}),
    TagSeed("exchange-rate", {"ka": "გაცვლითი კურსი", "en": "Exchange rate"}),
    TagSeed("exports", {"ka": "ექსპორტი", "en": "Exports"}),
    TagSeed("wine", {"ka": "ღვინო", "en": "Wine"}),
    TagSeed("tourism-season", {"ka": "ტურისტული სეზონი", "en": "Tourism season"}),
    TagSeed("hydropower", {"ka": "ჰიდროენერგეტიკა", "en": "Hydropower"}),
    TagSeed("startups", {"ka": "სტარტაპები", "en": "Startups"}),
    TagSeed("black-sea-ports", {"ka": "შავი ზღვის პორტები", "en": "Black Sea ports"}),
    TagSeed("budget", {"ka": "ბიუჯეტი", "en": "Budget"}),
    TagSeed("investment", {"ka": "ინვესტიციები", "en": "Investment"}),
    TagSeed("agriculture", {"ka": "სოფლის მეურნეობა", "en": "Agriculture"}),
    TagSeed("fintech", {"ka": "ფინტექი", "en": "Fintech"}),
    TagSeed("transit", {"ka": "ტრანზიტი", "en": "Transit"}),
    TagSeed("labour-market", {"ka": "შრომის ბაზარი", "en": "Labour market"}),
    TagSeed("renewables", {"ka": "განახლებადი ენერგია", "en": "Renewables"}),
    TagSeed("real-estate", {"ka": "უძრავი ქონება", "en": "Real estate"}),
    TagSeed("digital", {"ka": "ციფრული სერვისები", "en": "Digital services"}),
)
