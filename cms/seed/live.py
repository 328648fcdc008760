"""TV Live: the demo channels and a full day's programme, so "now" and "next" always answer."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cms.models import LiveStreamStatus


@dataclass(frozen=True, slots=True)
class StreamSeed:
    slug: str
    title: str
    description: str
    status: LiveStreamStatus
    playback_url: str
    is_primary: bool
    position: int


@dataclass(frozen=True, slots=True)
class Programme:
    """A slot of the day's schedule, starting at a local wall-clock hour."""

    hour: int
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class SlotTimes:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime


STREAMS: tuple[StreamSeed, ...] = (
    StreamSeed(
        slug="tv-live",
        title="TV Live — პირდაპირი ეთერი",
        description=(
            "ბიზნესის, ეკონომიკისა და ფინანსების ახალი ამბები პირდაპირ ეთერში, 24 საათის "
            "განმავლობაში. Business and economic news, live around the clock."
        ),
        status=LiveStreamStatus.LIVE,
        playback_url="https://live.newsroom.example/tv/index.m3u8",
        is_primary=True,
        position=0,
    ),
    StreamSeed(
        slug="business-radio",
        title="ბიზნეს რადიო — Business Radio",
        description=(
            "საბაზრო მიმოხილვები და ინტერვიუები სამუშაო დღეებში. "
            "Market reports and interviews on weekdays."
        ),
        status=LiveStreamStatus.OFFLINE,
        playback_url="https://live.newsroom.example/radio/index.m3u8",
        is_primary=False,
        position=1,
    ),
)

PROGRAMME: tuple[Programme, ...] = (
    Programme(0, "ღამის ახალი ამბები", "დღის მთავარი ეკონომიკური მოვლენები მოკლედ."),
    Programme(2, "დოკუმენტური ციკლი: შუა დერეფანი", "პორტები, რკინიგზა და ტვირთები კავკასიაში."),
    Programme(4, "დღის მიმოხილვა (განმეორება)", "წინა საღამოს გამოშვების განმეორება."),
    Programme(6, "დილის ბიულეტენი", "ვალუტის კურსები, ამინდი და დღის წესრიგი."),
    Programme(7, "ბიზნეს დილა", "სტუმრები სტუდიაში, ბაზრების გახსნა და დილის პრესა."),
    Programme(9, "ახალი ამბები", "საინფორმაციო გამოშვება."),
    Programme(10, "ბაზრის საათი", "ლარი, ობლიგაციები და მსოფლიო ბირჟები ანალიტიკოსებთან ერთად."),
    Programme(11, "დიდი ინტერვიუ", "საუბარი კომპანიის ხელმძღვანელთან ან მინისტრთან."),
    Programme(12, "შუადღის ახალი ამბები", "საინფორმაციო გამოშვება."),
    Programme(13, "რეგიონები", "ბიზნესი და ინვესტიციები თბილისის გარეთ."),
    Programme(14, "ტექნოლოგიები და სტარტაპები", "დამფუძნებლები, ინვესტორები და ახალი პროდუქტები."),
    Programme(15, "ახალი ამბები", "საინფორმაციო გამოშვება."),
    Programme(16, "ბაზრის საათი: დახურვა", "როგორ დაასრულეს დღე ბაზრებმა."),
    Programme(17, "ენერგია და ინფრასტრუქტურა", "ჰიდროსადგურები, ქსელები და საწვავის ფასები."),
    Programme(18, "საღამოს ახალი ამბები", "საინფორმაციო გამოშვება."),
    Programme(19, "დებატები", "ეკონომიკური პოლიტიკის კამათი სტუდიაში."),
    Programme(20, "მთავარი გამოშვება", "დღის მთავარი ამბები და ანალიზი."),
    Programme(21, "ტურიზმი და ღვინო", "სეზონი, სასტუმროები და ექსპორტი."),
    Programme(22, "დღის მიმოხილვა", "დღის შეჯამება და ხვალინდელი დღის წესრიგი."),
)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_schedule(now: datetime, zone: ZoneInfo) -> list[SlotTimes]:
    """Contiguous slots covering the local day of `now`, midnight to midnight, in UTC."""
    today = now.astimezone(zone).date()
    starts = [
        _local_midnight(today, zone) + timedelta(hours=programme.hour) for programme in PROGRAMME
    ]
    boundaries = [start.astimezone(UTC) for start in starts]
    boundaries.append(_local_midnight(today + timedelta(days=1), zone).astimezone(UTC))
    return [
        SlotTimes(programme.title, programme.description, boundaries[i], boundaries[i + 1])
        for i, programme in enumerate(PROGRAMME)
    ]
