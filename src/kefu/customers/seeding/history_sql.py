"""Bulky history generated inside PostgreSQL: ``INSERT … SELECT`` over the new subscribers joined to
``generate_series``, with pseudo-random values from ``hashint8`` of the subscriber id and a salt.

Far faster than shipping rows from Python. The shapes mirror ``history_py`` (used on SQLite); the
constants both share live in ``history_rules``.
"""

from __future__ import annotations

from datetime import date, datetime

from kefu.customers.seeding import history_rules as rules
from kefu.customers.seeding.people import MOBILE_PREFIXES


def H(salt: int, extra: str = "") -> str:
    """A non-negative pseudo-random int4 from the subscriber id, a salt and optional loop variables."""
    mix = f"s.id * 1048576 + {salt}" + (f" + {extra}" if extra else "")
    return f"(hashint8({mix}) & 2147483647)"


def _array(values) -> str:
    return "ARRAY[" + ",".join(str(v) for v in values) + "]"


def _text_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


MOBILE = "('gotone','mzone','easyown')"
PREFIXES = _text_array(p for p, _ in MOBILE_PREFIXES)


def statements(
    *, lo: int, hi: int, months: int, cur: date, now: datetime, products: dict[str, list[int]]
) -> list[tuple[str, str]]:
    """(table, SQL) for every history table, for subscribers with ids in [lo, hi]; ``cur`` is the first
    day of the current month. The values are inlined (they are ours, typed, never user text), so the
    SQL runs without parameters and ``%`` stays the modulo operator."""
    plan_case = " ".join(
        f"WHEN '{brand}' THEN ({_array(ids)})[1 + {H(1)} % {len(ids)}]"
        for brand, ids in products.items()
        if brand != "extras" and ids
    )
    extras = products["extras"]
    where = "s.id BETWEEN %(lo)s AND %(hi)s"
    out = []

    out.append(
        (
            "customers_subscription",
            f"""
            INSERT INTO customers_subscription (subscriber_id, product_id, start_date, end_date, status)
            SELECT s.id, CASE s.brand {plan_case} END, (s.opened_at AT TIME ZONE 'UTC')::date,
                   CASE WHEN s.status = 'closed' THEN %(cur)s::date - 1 - {H(2)} % 60 END,
                   CASE WHEN s.status = 'closed' THEN 'ended' ELSE 'active' END
            FROM customers_subscriber s WHERE {where}
            UNION ALL
            SELECT s.id, ({_array(extras)})[1 + ({H(3)} + k) % {len(extras)}],
                   %(cur)s::date - 30 - {H(4, "k")} % {rules.VAS_START_SPAN_DAYS},
                   CASE WHEN {H(5, "k")} % 10 = 0 THEN %(cur)s::date - {H(6, "k")} % 25 END,
                   CASE WHEN {H(5, "k")} % 10 = 0 THEN 'ended' ELSE 'active' END
            FROM customers_subscriber s CROSS JOIN generate_series(1, {rules.MAX_VAS}) AS k
            WHERE {where} AND s.brand IN {MOBILE} AND {H(7, "k")} % {rules.VAS_ONE_IN} = 0
            """,
        )
    )

    # Bills for the `months` complete months before the current one; the latest is unpaid when the
    # account is in arrears.
    out.append(
        (
            "customers_monthlybill",
            f"""
            INSERT INTO customers_monthlybill (subscriber_id, month, voice_fee, sms_fee, data_fee, vas_fee,
                other_fee, total_fee, amount_due, amount_paid, due_date)
            SELECT s.id, b.month, f.voice, f.sms, f.data, f.vas, f.other, f.total, f.total,
                   CASE WHEN i = 1 AND a.arrears > 0 THEN greatest(f.total - a.arrears, 0) ELSE f.total END,
                   (b.month + interval '1 month')::date + {rules.DUE_DAY - 1}
            FROM customers_subscriber s
            JOIN customers_account a ON a.id = s.account_id
            CROSS JOIN generate_series(1, %(months)s) AS i
            CROSS JOIN LATERAL (SELECT (%(cur)s::date - make_interval(months => i))::date AS month) b
            CROSS JOIN LATERAL (
                SELECT v.voice, v.sms, v.data, v.vas, v.other, v.voice + v.sms + v.data + v.vas + v.other AS total
                FROM (SELECT
                    CASE WHEN s.brand = 'broadband' THEN 0 ELSE ({H(10, "i")} % {rules.VOICE_CENTS}) * 0.01 END AS voice,
                    CASE WHEN s.brand IN {MOBILE} THEN ({H(11, "i")} % {rules.SMS_CENTS}) * 0.01 ELSE 0 END AS sms,
                    CASE WHEN s.brand = 'fixed' THEN 0 ELSE ({H(12, "i")} % {rules.DATA_CENTS}) * 0.01 END AS data,
                    ({H(13, "i")} % {rules.VAS_CENTS}) * 0.01 AS vas,
                    ({H(14, "i")} % {rules.OTHER_CENTS}) * 0.01 AS other
                ) v
            ) f
            WHERE {where} AND s.opened_at < b.month + interval '1 month'
            """,
        )
    )

    out.append(
        (
            "customers_payment",
            f"""
            INSERT INTO customers_payment (subscriber_id, paid_at, amount, channel)
            SELECT s.id,
                   (%(cur)s::date - make_interval(months => i - 1))::timestamp AT TIME ZONE 'Asia/Shanghai'
                     + make_interval(days => {H(20, "i")} % 20, secs => 28800 + {H(21, "i")} % 43200),
                   {rules.PAYMENT_MIN} + ({H(22, "i")} % {rules.PAYMENT_STEPS}) * 10,
                   ({_text_array(rules.PAYMENT_CHANNELS)})[1 + {H(23, "i")} % {len(rules.PAYMENT_CHANNELS)}]
            FROM customers_subscriber s CROSS JOIN generate_series(1, %(months)s) AS i
            WHERE {where} AND {H(24, "i")} % 10 < {rules.PAYMENT_TENTHS}
              AND s.opened_at < %(cur)s::date - make_interval(months => i - 1)
            """,
        )
    )

    # Points: i = 0 is the oldest month, i = months - 1 the current month (see history_rules).
    out.append(
        (
            "customers_pointsentry",
            f"""
            INSERT INTO customers_pointsentry (subscriber_id, month, kind, points, redeemable, note)
            SELECT s.id, (%(cur)s::date - make_interval(months => %(months)s - 1 - i))::date,
                   (ARRAY['earned','activity','voided','redeemed'])[k],
                   CASE k WHEN 1 THEN {rules.EARNED_MIN} + {H(30, "i*8+k")} % {rules.EARNED_SPAN}
                          WHEN 2 THEN {rules.ACTIVITY_MIN} + {H(30, "i*8+k")} % {rules.ACTIVITY_SPAN}
                          WHEN 3 THEN {rules.VOIDED_MIN} + {H(30, "i*8+k")} % {rules.VOIDED_SPAN}
                          ELSE {rules.REDEEMED_POINTS} END,
                   k <> 2,
                   (ARRAY['{rules.NOTES[0]}','{rules.NOTES[1]}','{rules.NOTES[2]}','{rules.NOTES[3]}'])[k]
            FROM customers_subscriber s
            CROSS JOIN generate_series(0, %(months)s - 1) AS i
            CROSS JOIN generate_series(1, 4) AS k
            WHERE {where} AND (
                k = 1
                OR (k = 2 AND {H(31, "i*8+k")} % {rules.ACTIVITY_ONE_IN} = 0)
                OR (k = 3 AND i >= {rules.VOIDED_FROM_INDEX} AND {H(31, "i*8+k")} % {rules.VOIDED_ONE_IN} = 0)
                OR (k = 4 AND i = %(months)s - 2 AND %(months)s >= 3 AND {H(31, "i*8+k")} % {rules.REDEEMED_ONE_IN} = 0)
            )
            """,
        )
    )

    out.append(
        (
            "customers_calldetail",
            f"""
            INSERT INTO customers_calldetail (subscriber_id, start_at, other_party, direction,
                duration_seconds, call_type, fee)
            SELECT s.id, c.start_at, c.other_party, c.direction, c.duration, c.call_type,
                   CASE WHEN c.direction = 'in' AND c.call_type <> 'roaming' THEN 0
                        ELSE ceil(c.duration / 60.0) * (CASE c.call_type WHEN 'local' THEN {rules.RATE_LOCAL}
                             WHEN 'long_distance' THEN {rules.RATE_LONG} ELSE {rules.RATE_ROAMING} END) END
            FROM customers_subscriber s
            CROSS JOIN generate_series(1, {rules.MAX_CALLS}) AS k
            CROSS JOIN LATERAL (SELECT
                %(now)s::timestamptz - make_interval(secs => 60 + {H(40, "k")} % {rules.RECENT_SECONDS}) AS start_at,
                ({PREFIXES})[1 + {H(41, "k")} % {len(MOBILE_PREFIXES)}] || lpad(({H(42, "k")} % 100000000)::text, 8, '0') AS other_party,
                CASE WHEN {H(43, "k")} % 2 = 0 THEN 'out' ELSE 'in' END AS direction,
                {rules.CALL_MIN_SECONDS} + {H(44, "k")} % {rules.CALL_SPAN_SECONDS} AS duration,
                CASE WHEN {H(45, "k")} % 20 < 16 THEN 'local' WHEN {H(45, "k")} % 20 < 19 THEN 'long_distance'
                     ELSE 'roaming' END AS call_type
            ) c
            WHERE {where} AND s.status <> 'closed' AND k <= {rules.MIN_CALLS} + {H(46)} % {rules.MAX_CALLS - rules.MIN_CALLS + 1}
            """,
        )
    )

    out.append(
        (
            "customers_usagerecord",
            f"""
            INSERT INTO customers_usagerecord (subscriber_id, kind, calling_number, called_number,
                started_at, ended_at, url, status)
            SELECT s.id, u.kind,
                   CASE WHEN u.kind = 'wap' OR u.outgoing THEN s.number ELSE u.other END,
                   CASE WHEN u.kind = 'wap' THEN '' WHEN u.outgoing THEN u.other ELSE s.number END,
                   u.started_at,
                   CASE WHEN u.kind = 'wap' OR u.status <> 'success' THEN NULL
                        ELSE u.started_at + make_interval(secs => 1 + {H(50, "k")} % 60) END,
                   CASE WHEN u.kind = 'wap' THEN ({_text_array(rules.WAP_URLS)})[1 + {H(51, "k")} % {len(rules.WAP_URLS)}] ELSE '' END,
                   u.status
            FROM customers_subscriber s
            CROSS JOIN generate_series(1, 6) AS k
            CROSS JOIN LATERAL (SELECT
                CASE WHEN k <= 3 THEN 'sms' WHEN k = 4 THEN 'mms' ELSE 'wap' END AS kind,
                {H(52, "k")} % 2 = 0 AS outgoing,
                ({PREFIXES})[1 + {H(53, "k")} % {len(MOBILE_PREFIXES)}] || lpad(({H(54, "k")} % 100000000)::text, 8, '0') AS other,
                %(now)s::timestamptz - make_interval(secs => 60 + {H(55, "k")} % {rules.RECENT_SECONDS}) AS started_at,
                CASE WHEN {H(56, "k")} % 20 = 0 THEN 'failed' WHEN {H(56, "k")} % 50 = 1 THEN 'pending'
                     ELSE 'success' END AS status
            ) u
            WHERE {where} AND s.brand IN {MOBILE} AND s.status <> 'closed' AND {H(57, "k")} % 2 = 0
            """,
        )
    )
    values = {
        "%(lo)s": str(int(lo)),
        "%(hi)s": str(int(hi)),
        "%(months)s": str(int(months)),
        "%(cur)s": f"DATE '{cur.isoformat()}'",
        "%(now)s": f"TIMESTAMPTZ '{now.isoformat()}'",
    }
    result = []
    for table, sql in out:
        for placeholder, value in values.items():
            sql = sql.replace(placeholder, value)
        result.append((table, sql))
    return result
