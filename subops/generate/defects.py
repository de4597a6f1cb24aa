"""Defective rows (--defect-rate R) and harmless noise, per (table, month).

About R x clean rows of each table-month become extra defective rows, split evenly over the
reasons the table can carry (schema.REASONS). Each breaks exactly one rule and has its own key
(a NULL key, a new id, a brand-new orphan subscriber id, a day without activity, a month
without a row), except duplicate_key rows, which are exact copies of clean rows. Defective
rows are never duplicates of each other; counts are taken from the rows actually written.

Noise (only when R > 0) changes the format of valid values ('+86 138...', ' Active', 'm', 'SMS')
in a way the staging layer normalises; those rows are not defects.
"""
from __future__ import annotations

from .population import KEY_BASE, KEY_STEP
from .schema import COLUMNS, PARTITION_COLUMN, REASONS

TABLE_INDEX = {t: i for i, t in enumerate(COLUMNS)}
ID_PREFIX = {"product_orders": ("order_id", "O", 8), "contacts": ("contact_id", "C", 8),
             "complaints": ("ticket_id", "T", 7)}
# Sample keys: what identifies a clean row, for hash-ordered sampling.
SAMPLE_KEY = {
    "subscribers": "_sid", "bills": "_sid", "usage_daily": "_sid, usage_date", "circles_monthly": "_sid",
    "product_orders": "order_id", "contacts": "contact_id", "complaints": "ticket_id",
}
FUTURE_DAYS = 1096  # about three years after the real date, plus the window length (see future_days)


def future_days(g) -> int:
    """Days to shift a row so that it lies after the window whatever the window length."""
    return FUTURE_DAYS + 31 * g.months


class Planner:
    """How many defective rows of each reason a table-month gets.

    The running total follows R x the clean rows written so far (rounded half up), reasons take
    turns across months, and the table's last month adds one row of every reason still missing,
    so each reason the table can carry appears at least once whenever R > 0.
    """

    def __init__(self, rate: float, reasons: tuple[str, ...]):
        self.rate = rate
        self.reasons = reasons
        self.clean_rows = 0
        self.planned = 0
        self.turn = 0
        self.done: dict[str, int] = {r: 0 for r in reasons}

    def plan(self, n_clean: int, last: bool) -> dict[str, int]:
        out = {r: 0 for r in self.reasons}
        if self.rate <= 0:
            return out
        self.clean_rows += n_clean
        target = int(self.rate * self.clean_rows + 0.5)
        n = max(0, target - self.planned)
        if last:
            for r in self.reasons:
                if self.done[r] == 0 and n_clean > 0:
                    out[r] += 1
                    n = max(0, n - 1)
        for _ in range(n):
            out[self.reasons[self.turn % len(self.reasons)]] += 1
            self.turn += 1
        self.planned += sum(out.values())
        return out

    def record(self, reason: str, n: int) -> None:
        self.done[reason] += n


def apply_noise(g, table: str, m: int) -> dict[str, int]:
    """Format noise on clean rows (R > 0 only); returns counts per kind."""
    if g.defect_rate <= 0:
        return {}
    thr = max(1, int(round(g.defect_rate / 5 * 1_000_000)))
    seed = g.seed
    if table == "subscribers":
        pick = f"hash({seed}, _sid, {m}, 7001) % 1000000 < {thr}"
        kind = f"hash({seed}, _sid, {m}, 7002) % 5"
        g.sql(f"""
            update w_subscribers set
              msisdn = case {kind}
                         when 0 then '+86 ' || msisdn
                         when 1 then substr(msisdn, 1, 3) || ' ' || substr(msisdn, 4, 4) || ' ' || substr(msisdn, 8, 4)
                         when 2 then substr(msisdn, 1, 3) || '-' || substr(msisdn, 4, 4) || '-' || substr(msisdn, 8, 4)
                         else msisdn end,
              status = case when {kind} = 3 then ' ' || upper(substr(status, 1, 1)) || substr(status, 2) else status end,
              gender = case when {kind} = 4 then lower(gender) else gender end
            where {pick}
        """)
        rows = g.con.execute(f"""
            select {kind} as k, count(*) from w_subscribers where {pick} group by 1 order by 1
        """).fetchall()
        names = {0: "msisdn_plus86", 1: "msisdn_spaces", 2: "msisdn_dashes", 3: "status_case", 4: "gender_case"}
        return {names[k]: n for k, n in rows}
    if table == "contacts":
        pick = f"hash({seed}, contact_id, 7003) % 1000000 < {thr}"
        g.sql(f"update w_contacts set channel_code = upper(channel_code) where {pick}")
        n = g.con.execute(f"select count(*) from w_contacts where {pick}").fetchone()[0]
        return {"channel_code_case": n} if n else {}
    return {}


def build(g, table: str, m: int, ym: str, yymm: str, alloc: dict[str, int]) -> None:
    """Create temp table w_def (contract columns, _sid, _tb, _reason, _part) for this table-month."""
    cols = [c for c, _ in COLUMNS[table]]
    collist = ", ".join(cols)
    g.sql(f"create or replace temp table w_def as select *, ''::varchar as _reason, ''::varchar as _part "
          f"from w_{table} limit 0")
    if not any(alloc.values()):
        return
    key = SAMPLE_KEY[table]
    seed = g.seed
    t_i = TABLE_INDEX[table]

    def sample(src: str, n: int, salt: int, where: str = "true", key_expr: str = key) -> str:
        return (f"(select *, row_number() over (order by _h, {key_expr}) as j from "
                f"(select *, hash({seed}, {key_expr}, {salt}) as _h from {src} where {where} "
                f"order by _h, {key_expr} limit {n}))")

    def insert(reason: str, select: str) -> None:
        r_i = REASONS[table].index(reason)
        g.sql(f"""
            insert into w_def
            select {collist}, _sid, {1 + r_i * 10_000_000} + j as _tb, '{reason}' as _reason, _part
            from ({select})
        """)

    part_col = PARTITION_COLUMN[table]
    same_part = f"'{ym}' as _part"
    fut_part = f"strftime({part_col}, '%Y-%m') as _part"
    orphan = f"cast({19_000_000_000 + t_i * 100_000_000 + m * 1_000_000} + j as varchar)"
    orphan_sid = f"{19_000_000_000 + t_i * 100_000_000 + m * 1_000_000} + j"

    def new_id(reason: str) -> str:
        col, prefix, width = ID_PREFIX[table]
        base = 10 ** (width - 1) * 9 + REASONS[table].index(reason) * 10 ** (width - 2)
        return f"'{prefix}{yymm}' || lpad(cast({base} + j as varchar), {width}, '0')"

    if table == "usage_daily":
        _usage_pools(g, m, alloc)
    for reason, n in alloc.items():
        if n <= 0:
            continue
        salt = 9000 + REASONS[table].index(reason)
        if reason == "duplicate_key":
            src = "w_usage_pool" if table == "usage_daily" else f"w_{table}"
            insert(reason, f"select * exclude (_h), {same_part} from {sample(src, n, salt)}")
            continue
        if table == "subscribers":
            _subscriber_defect(g, reason, n, salt, sample, insert, same_part)
        elif table == "bills":
            _bill_defect(g, reason, n, m, salt, sample, insert, same_part, fut_part, orphan, orphan_sid)
        elif table == "usage_daily":
            _usage_defect(g, reason, n, salt, sample, insert, same_part, fut_part, orphan, orphan_sid)
        elif table == "circles_monthly":
            _circle_defect(g, reason, n, m, salt, sample, insert, same_part, orphan, orphan_sid)
        else:
            _event_defect(g, table, reason, n, salt, sample, insert, same_part, fut_part, orphan, orphan_sid,
                          new_id(reason))
    # defective rows must differ from each other (duplicates are the only exact copies)
    g.sql(f"""
        create or replace temp table w_def as
        select * exclude (_rn) from (
            select *, row_number() over (partition by _reason, {collist} order by _tb) as _rn from w_def
        ) where _rn = 1 or _reason = 'duplicate_key'
    """)


def _subscriber_defect(g, reason, n, salt, sample, insert, same_part):
    """Extra rows of brand-new subscribers: a clean template row with a new id and number."""
    first = g.total + 1 + g.carriers_used
    g.carriers_used += n
    rank = f"({first} + j - 1)"
    new_sid = f"{KEY_BASE} + {rank} * {KEY_STEP} + hash({g.seed}, {rank}, 4, 1) % {KEY_STEP}"
    msisdn = f"plain_msisdn({rank})"
    src = sample("w_subscribers", n, salt, "status = 'active' and not is_premium_number and gender in ('M', 'F', 'U') "
                                           "and regexp_full_match(msisdn, '1[3-9][0-9]{9}')")
    base = f"""select * exclude (_h, subscriber_id, msisdn, family_group_id, is_premium_number, _sid),
                      cast({new_sid} as varchar) as subscriber_id, {msisdn} as msisdn, null::varchar as family_group_id,
                      false as is_premium_number, {new_sid} as _sid
               from {src}"""
    if reason == "null_key":
        sel = f"select * replace (null::varchar as subscriber_id, null::bigint as _sid), {same_part} from ({base})"
    elif reason == "unknown_code":
        sel = f"""select * replace (
                    case when j % 6 = 0 then 'xx' else status end as status,
                    case when j % 6 = 1 then 'Q' else gender end as gender,
                    case when j % 6 = 2 then 'ZZ999' else plan_id end as plan_id,
                    case when j % 6 = 3 then 'vip' else customer_type end as customer_type,
                    case when j % 6 = 4 then 'fax' else acquisition_channel end as acquisition_channel,
                    case when j % 6 = 5 then 'watch' else risk_flag end as risk_flag), {same_part}
                  from ({base})"""
    elif reason == "malformed_msisdn":
        sel = f"""select * replace (
                    case j % 4 when 0 then '12345' when 1 then substr(msisdn, 1, 10)
                                when 2 then '2' || substr(msisdn, 2) else substr(msisdn, 1, 10) || 'x' end as msisdn),
                    {same_part}
                  from ({base})"""
    elif reason == "future_date":
        sel = f"""select * replace (date '{g.window_end}' + {FUTURE_DAYS} + cast(j % 200 as integer) as open_date),
                    {same_part}
                  from ({base})"""
    else:
        raise AssertionError(reason)
    insert(reason, sel)


def _free_keys(g, m: int, n: int, salt: int) -> str:
    """Real subscribers with no row in month m (not yet joined, or gone): keys no clean row uses."""
    return f"""(select s.sid as _fsid, s.subscriber_id as _fid,
                       row_number() over (order by hash({g.seed}, s.sid, {salt}), s.sid) as j
                from sub s anti join (select sid from sm where m = {m}) p on p.sid = s.sid
                order by hash({g.seed}, s.sid, {salt}), s.sid limit {n})"""


def _bill_defect(g, reason, n, m, salt, sample, insert, same_part, fut_part, orphan, orphan_sid):
    if reason == "null_key":
        # shift the plan fee by j cents (total and paid follow) so that these rows stay distinct
        insert(reason, f"""
            select * exclude (_h) replace (
                null::varchar as subscriber_id, null::bigint as _sid,
                (plan_fee + j * 0.01)::decimal(12, 2) as plan_fee, (total_fee + j * 0.01)::decimal(12, 2) as total_fee,
                (paid_fee + j * 0.01)::decimal(12, 2) as paid_fee), {same_part}
            from {sample('w_bills', n, salt)}""")
    elif reason == "orphan_subscriber":
        insert(reason, f"select * exclude (_h) replace ({orphan} as subscriber_id, {orphan_sid} as _sid), "
                       f"{same_part} from {sample('w_bills', n, salt)}")
    elif reason == "future_date":
        insert(reason, f"select * exclude (_h) replace ((bill_month + to_months(36 + {g.months}))::date as bill_month), "
                       f"strftime((bill_month + to_months(36 + {g.months}))::date, '%Y-%m') as _part "
                       f"from {sample('w_bills', n, salt)}")
    elif reason in ("negative_amount", "fee_mismatch"):
        tmpl = sample("w_bills", n, salt + 50)
        keyed = (f"select t.* exclude (_h, subscriber_id, _sid), f._fid as subscriber_id, f._fsid as _sid, t.j "
                 f"from {tmpl} t join {_free_keys(g, m, n, salt)} f using (j)")
        if reason == "negative_amount":
            sel = f"""
                with a as (select * exclude (j), j,
                                  -(voice_fee + 1.00 + (j % 50))::decimal(12, 2) as nv from ({keyed})),
                b as (select *, (plan_fee + nv + data_fee + sms_fee + vas_fee + roaming_fee - discount_fee)
                                  ::decimal(12, 2) as nt from a)
                select * exclude (nv, nt) replace (nv as voice_fee, nt as total_fee, nt as paid_fee,
                                                  0.00::decimal(12, 2) as arrears_fee), {same_part}
                from b"""
        else:
            sel = f"""
                select * replace (
                    case when j % 2 = 0 then (total_fee + 10.00)::decimal(12, 2) else total_fee end as total_fee,
                    case when j % 2 = 0 then (paid_fee + 10.00)::decimal(12, 2) else paid_fee end as paid_fee,
                    case when j % 2 = 1 then (arrears_fee + 5.00)::decimal(12, 2) else arrears_fee end as arrears_fee),
                  {same_part}
                from ({keyed})"""
        insert(reason, sel)
    else:
        raise AssertionError(reason)


def _usage_pools(g, m: int, alloc: dict[str, int]) -> None:
    """Small pools to sample defects from: clean rows, and days in service without activity."""
    from .activity import USAGE_VIEW_COLUMNS, usage_query

    n_rows = max(1, g.con.execute("select count(*) from w_usage_rows").fetchone()[0])
    need_clean = alloc.get("duplicate_key", 0) + alloc.get("orphan_subscriber", 0) + alloc.get("future_date", 0)
    need_idle = alloc.get("null_key", 0) + alloc.get("negative_amount", 0)
    thr = min(1_000_000, int(1_000_000 * 4 * max(need_clean, 1) / n_rows) + 100)
    g.sql(f"""create or replace temp table w_usage_pool as
              select {USAGE_VIEW_COLUMNS} from w_usage_rows
              where hash({g.seed}, _sid, usage_date, 9901) % 1000000 < {thr}""")
    # a subscriber has ~6 days in service without activity a month; draw ~4 x what is needed, then sample
    n_subs = max(1, g.con.execute(f"select count(*) from sm where m = {m} and svc_lo is not null").fetchone()[0])
    thr_i = min(1_000_000, int(1_000_000 * 4 * max(need_idle, 1) / (6 * n_subs)) + 100)
    g.sql(f"""create or replace temp table w_usage_idle as
              select {USAGE_VIEW_COLUMNS} from ({usage_query(g, m, active=False,
                                                              prefilter=f"hash({g.seed}, sm.sid, {m}, 9902) % 1000000 < {thr_i}")})""")


def _usage_defect(g, reason, n, salt, sample, insert, same_part, fut_part, orphan, orphan_sid):
    inactive = sample("w_usage_idle", n, salt)
    if reason == "null_key":
        insert(reason, f"select * exclude (_h) replace (null::varchar as subscriber_id, null::bigint as _sid, "
                       f"round(data_mb + (j % 1000) * 0.1, 1) as data_mb), {same_part} from {inactive}")
    elif reason == "negative_amount":
        insert(reason, f"""
            select * exclude (_h) replace (
                case when j % 5 = 0 then -(voice_out_minutes + 1) else voice_out_minutes end as voice_out_minutes,
                case when j % 5 = 1 then -(voice_in_minutes + 1) else voice_in_minutes end as voice_in_minutes,
                case when j % 5 = 2 then -(sms_count + 1) else sms_count end as sms_count,
                case when j % 5 = 3 then -(vas_events + 1) else vas_events end as vas_events,
                case when j % 5 = 4 then -(dropped_calls + 1) else dropped_calls end as dropped_calls),
              {same_part}
            from {inactive}""")
    elif reason == "orphan_subscriber":
        insert(reason, f"select * exclude (_h) replace ({orphan} as subscriber_id, {orphan_sid} as _sid), "
                       f"{same_part} from {sample('w_usage_pool', n, salt)}")
    elif reason == "future_date":
        insert(reason, f"select * exclude (_h) replace (usage_date + {future_days(g)} as usage_date), "
                       f"strftime(usage_date + {future_days(g)}, '%Y-%m') as _part "
                       f"from {sample('w_usage_pool', n, salt)}")
    else:
        raise AssertionError(reason)


def _circle_defect(g, reason, n, m, salt, sample, insert, same_part, orphan, orphan_sid):
    if reason == "null_key":
        # counts taken from j (on = 1 + j % 100, off = j // 100), so these rows are distinct by construction
        insert(reason, f"""
            select * exclude (_h) replace (
                null::varchar as subscriber_id, null::bigint as _sid,
                (1 + j % 100)::integer as on_net_contacts, (j // 100)::integer as off_net_contacts,
                (1 + j % 100 + j // 100)::integer as circle_size), {same_part}
            from {sample('w_circles_monthly', n, salt)}""")
    elif reason == "orphan_subscriber":
        insert(reason, f"select * exclude (_h) replace ({orphan} as subscriber_id, {orphan_sid} as _sid), "
                       f"{same_part} from {sample('w_circles_monthly', n, salt)}")
    elif reason == "negative_amount":
        tmpl = sample("w_circles_monthly", n, salt + 50)
        insert(reason, f"""
            select * replace (-(1 + j % 5)::integer as off_net_contacts,
                              (on_net_contacts - (1 + j % 5))::integer as circle_size), {same_part}
            from (select t.* exclude (_h, subscriber_id, _sid), f._fid as subscriber_id, f._fsid as _sid, t.j
                  from {tmpl} t join {_free_keys(g, m, n, salt)} f using (j))""")
    else:
        raise AssertionError(reason)


def _event_defect(g, table, reason, n, salt, sample, insert, same_part, fut_part, orphan, orphan_sid, new_id):
    id_col = ID_PREFIX[table][0]
    src = sample(f"w_{table}", n, salt)
    if reason == "null_key":
        sel = f"""select * exclude (_h) replace (
                    case when j % 2 = 0 then null else {new_id} end as {id_col},
                    case when j % 2 = 1 then null else subscriber_id end as subscriber_id,
                    case when j % 2 = 1 then null else _sid end as _sid), {same_part}
                  from {src}"""
    elif reason == "orphan_subscriber":
        sel = (f"select * exclude (_h) replace ({new_id} as {id_col}, {orphan} as subscriber_id, "
               f"{orphan_sid} as _sid), {same_part} from {src}")
    elif reason == "unknown_code":
        if table == "product_orders":
            rep = """case when j % 3 = 0 then 'ZZ999' else product_id end as product_id,
                     case when j % 3 = 1 then 'fax' else channel_code end as channel_code,
                     case when j % 3 = 2 then 'cancel' else action end as action"""
        elif table == "contacts":
            rep = """case when j % 3 = 0 then 'fax' else channel_code end as channel_code,
                     case when j % 3 = 1 then 'maybe' else outcome end as outcome,
                     case when j % 3 = 2 then 'sideways' else direction end as direction"""
        else:
            rep = """case when j % 3 = 0 then 'weather' else category end as category,
                     case when j % 3 = 1 then 'urgent' else severity end as severity,
                     case when j % 3 = 2 then 'fax' else channel_code end as channel_code"""
        sel = f"select * exclude (_h) replace ({new_id} as {id_col}, {rep}), {same_part} from {src}"
    elif reason == "future_date":
        if table == "product_orders":
            shift = future_days(g)
            rep = f"""order_at + to_days({shift}) as order_at, effective_date + {shift} as effective_date,
                      expire_date + {shift} as expire_date"""
            part = f"strftime(order_at + to_days({future_days(g)}), '%Y-%m') as _part"
        elif table == "contacts":
            rep = f"contact_at + to_days({future_days(g)}) as contact_at"
            part = f"strftime(contact_at + to_days({future_days(g)}), '%Y-%m') as _part"
        else:
            rep = f"""created_at + to_days({future_days(g)}) as created_at,
                      closed_at + to_days({future_days(g)}) as closed_at"""
            part = f"strftime(created_at + to_days({future_days(g)}), '%Y-%m') as _part"
        sel = f"select * exclude (_h) replace ({new_id} as {id_col}, {rep}), {part} from {src}"
    else:
        raise AssertionError(reason)
    insert(reason, sel)
