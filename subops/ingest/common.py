"""What both real data sets share: months, reading and checking a CSV, the synthetic identity
(msisdn), the plan band, the two CRM snapshots with their defaults, and product order lines."""
from __future__ import annotations

import calendar
import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DEFAULT_MONTH = "2024-09"

# Contract fields neither file knows: one fixed, documented value each (README "Real datasets").
REGION_CODE = "0571"            # 杭州 Hangzhou, the first region in seeds/reference/regions.csv
ACQUISITION_CHANNEL = "store"   # staging rejects a null or unknown acquisition_channel
ORDER_CHANNEL = "store"         # channel_code of the product orders
CHURN_DAY = 15                  # day of M1 on which a churner's line is closed
CLOSE_REASON = "other"          # the files do not say why a subscriber left
DEFAULTS = {
    "cert_id": None, "customer_name": None, "birth_date": None, "is_premium_number": False,
    "contract_end_date": None, "family_group_id": None, "device_5g_capable": False,
    "is_realname_verified": True, "risk_flag": "none", "marketing_consent": True, "dnd_flag": False,
}

# Monthly fee bands onto the 4G plans of seeds/reference/products.csv: fee below the bound -> plan.
PLAN_BANDS = ((Decimal("30"), "PL4G018"), (Decimal("50"), "PL4G038"), (Decimal("70"), "PL4G058"),
              (Decimal("90"), "PL4G088"))
TOP_PLAN = "PL4G138"


@dataclass
class IngestResult:
    """Landing rows per table (dicts keyed by contract column), the split, and the report."""
    m0: date
    tables: dict[str, list[dict]]
    split: list[tuple[str, str]]
    report: dict = field(default_factory=dict)


def user_error(message: str) -> Exception:
    from subops.cli import UserError
    return UserError(message)


# ---- months ------------------------------------------------------------------------------------
def parse_month(text: str) -> date:
    try:
        y, m = (int(x) for x in (text or "").split("-"))
        if len(text) != 7 or not 2006 <= y <= 2090:
            raise ValueError
        return date(y, m, 1)
    except ValueError:
        raise user_error(f"--month must be YYYY-MM (2006-2090), got {text!r}") from None


def add_months(d: date, n: int) -> date:
    """d moved by n months, the day clamped to the month's last day (2024-03-31 - 1 month = 2024-02-29)."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def last_day(month: date) -> date:
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def ym(d: date) -> str:
    return d.strftime("%Y-%m")


def months_report(m0: date) -> dict:
    return {"observation_month": ym(m0), "outcome_month": ym(add_months(m0, 1)),
            "churn_status_date": add_months(m0, 1).replace(day=CHURN_DAY).isoformat()}


# ---- input ------------------------------------------------------------------------------------
def read_csv(path: Path, required: list[str]) -> list[dict[str, str]]:
    """All rows as strings; a UserError when the file is missing, empty or lacks a required column."""
    if not path.is_file():
        raise user_error(f"input file {path} does not exist")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise user_error(f"{path.name}: missing column(s) {', '.join(repr(c) for c in missing)}; "
                             f"found {', '.join(header) or 'no header'}")
        rows = list(reader)
    if not rows:
        raise user_error(f"{path.name}: no data rows")
    return rows


def source_entry(path: Path, rows: int) -> dict:
    return {"file": path.name, "rows": rows, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def parse_number(path: Path, line: int, column: str, text: str, integer: bool = False) -> Decimal:
    """A non-negative number (an integer when asked); a UserError naming file, line and column otherwise."""
    try:
        value = Decimal(text.strip())
        if not value.is_finite() or value < 0 or (integer and value != value.to_integral_value()):
            raise ValueError
        return value
    except (ValueError, ArithmeticError):
        kind = "a non-negative integer" if integer else "a non-negative number"
        raise user_error(f"{path.name} line {line}: column {column!r} must be {kind}, got {text!r}") from None


def parse_choice(path: Path, line: int, column: str, text: str, mapping: dict[str, object]) -> object:
    """text looked up case-insensitively (after trimming) in mapping; a UserError naming the row otherwise."""
    key = text.strip().lower()
    if key not in mapping:
        allowed = ", ".join(sorted({k for k in mapping}))
        raise user_error(f"{path.name} line {line}: column {column!r} must be one of {allowed} "
                         f"(case-insensitive), got {text!r}")
    return mapping[key]


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def round_int(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# ---- identity and plan ------------------------------------------------------------------------
def stable_int(text: str) -> int:
    """The first 8 bytes of sha256(text) as a big-endian unsigned integer."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def msisdns(subscriber_ids: list[str]) -> dict[str, str]:
    """A distinct synthetic 11-digit mobile number per id, 1[3-9] and 9 digits from sha256('msisdn:' || id);
    on a clash (in id order) the next salt 'msisdn:<k>:' || id is tried."""
    taken: dict[str, str] = {}
    out: dict[str, str] = {}
    for sid in sorted(subscriber_ids):
        k = 0
        while True:
            h = stable_int(f"msisdn:{sid}" if k == 0 else f"msisdn:{k}:{sid}")
            number = f"1{3 + h % 7}{(h // 7) % 10**9:09d}"
            if number not in taken:
                break
            k += 1
        taken[number] = sid
        out[sid] = number
    return out


def plan_for_fee(fee: Decimal) -> str:
    for bound, plan in PLAN_BANDS:
        if fee < bound:
            return plan
    return TOP_PLAN


# ---- landing rows -----------------------------------------------------------------------------
def snapshot_rows(base: list[dict], m0: date) -> list[dict]:
    """The M0 snapshot (everyone active since open_date) and the M1 snapshot (churners closed on the
    CHURN_DAY of M1 with close_reason 'other', everyone else still active).

    base rows: subscriber_id, gender, open_date, plan_id, customer_type, churned."""
    m1 = add_months(m0, 1)
    numbers = msisdns([b["subscriber_id"] for b in base])
    rows = []
    for month in (m0, m1):
        for b in base:
            closed = month == m1 and b["churned"]
            rows.append({
                **DEFAULTS,
                "snapshot_month": month, "subscriber_id": b["subscriber_id"], "msisdn": numbers[b["subscriber_id"]],
                "gender": b["gender"], "open_date": b["open_date"],
                "status": "closed" if closed else "active",
                "status_date": m1.replace(day=CHURN_DAY) if closed else b["open_date"],
                "close_reason": CLOSE_REASON if closed else None,
                "plan_id": b["plan_id"], "customer_type": b["customer_type"], "region_code": REGION_CODE,
                "acquisition_channel": ACQUISITION_CHANNEL,
            })
    return rows


def order_row(subscriber_id: str, product_id: str, open_date: date) -> dict:
    """One subscribe order effective from the day the line opened, no expiry (held until further notice)."""
    return {"order_id": f"{subscriber_id}-{product_id}", "subscriber_id": subscriber_id, "product_id": product_id,
            "action": "subscribe", "order_at": f"{open_date.isoformat()} 00:00:00", "effective_date": open_date,
            "expire_date": None, "channel_code": ORDER_CHANNEL, "campaign_id": None}


def bill_row(month: date, subscriber_id: str, *, plan: Decimal = Decimal(0), voice: Decimal = Decimal(0),
             roaming: Decimal = Decimal(0)) -> dict:
    """A bill paid in full: total = plan + voice + roaming (other fees and discount 0), paid = total."""
    total = plan + voice + roaming
    zero = money(Decimal(0))
    return {"bill_month": month, "subscriber_id": subscriber_id, "total_fee": money(total), "plan_fee": money(plan),
            "voice_fee": money(voice), "data_fee": zero, "sms_fee": zero, "vas_fee": zero,
            "roaming_fee": money(roaming), "discount_fee": zero, "paid_fee": money(total), "arrears_fee": zero}


def churn_report(base: list[dict]) -> dict:
    churners = sum(1 for b in base if b["churned"])
    return {"churners": churners, "stayers": len(base) - churners,
            "churn_rate": round(churners / len(base), 5) if base else None}
