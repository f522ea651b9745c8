"""Shapes of the seeded history, shared by the SQL generator (PostgreSQL) and the Python one (SQLite).

Points are arranged so that no subscriber's redeemable balance goes negative: earned points come every
month (at least EARNED_MIN), voided points (at most VOIDED_MIN + VOIDED_SPAN - 1) only from the third
month on, and at most one redemption of REDEEMED_POINTS, in the month before the current one.
"""

from __future__ import annotations

# Subscriptions: one plan per line, and up to MAX_VAS extras for mobile lines, each with chance 1/VAS_ONE_IN.
MAX_VAS = 3
VAS_ONE_IN = 4
VAS_START_SPAN_DAYS = 700

# Bills: fee bounds in cents (exclusive); due on DUE_DAY of the following month.
VOICE_CENTS = 8000
SMS_CENTS = 1500
DATA_CENTS = 6000
VAS_CENTS = 2000
OTHER_CENTS = 500
DUE_DAY = 20

# Payments: in PAYMENT_TENTHS tenths of the months, an amount of PAYMENT_MIN + 10 * (0..PAYMENT_STEPS-1).
PAYMENT_TENTHS = 8
PAYMENT_MIN = 30
PAYMENT_STEPS = 25
PAYMENT_CHANNELS = ("hall", "bank", "online", "card", "auto")

# Points ledger.
EARNED_MIN = 50
EARNED_SPAN = 300
ACTIVITY_MIN = 100
ACTIVITY_SPAN = 400
ACTIVITY_ONE_IN = 10
VOIDED_MIN = 5
VOIDED_SPAN = 26
VOIDED_ONE_IN = 15
VOIDED_FROM_INDEX = 2
REDEEMED_POINTS = 100
REDEEMED_ONE_IN = 8
NOTES = ("消费积分", "营销活动赠送", "积分到期作废", "积分兑换礼品")

# Calls and usage records: the last 30 days only, MIN_CALLS..MAX_CALLS calls per line.
RECENT_SECONDS = 30 * 86400
MIN_CALLS = 2
MAX_CALLS = 6
CALL_MIN_SECONDS = 5
CALL_SPAN_SECONDS = 900
RATE_LOCAL = "0.10"
RATE_LONG = "0.30"
RATE_ROAMING = "0.60"
WAP_URLS = (
    "http://wap.monternet.com/",
    "http://wap.10086.cn/",
    "http://wap.sina.cn/",
    "http://music.10086.cn/",
    "http://read.10086.cn/",
    "http://game.10086.cn/",
)
