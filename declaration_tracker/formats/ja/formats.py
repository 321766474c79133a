"""Japanese dates: 2026年12月3日, as Django's own Japanese formats write them."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日G:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日G:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
