"""Orange/BigML churn -> landing contract v1 (mapping documented in README "Real datasets").

One row per account, no id: account length in days, international and voice-mail plans, one
month's day/evening/night/international minutes, calls and charges, customer service calls,
Churn TRUE/FALSE (or True/False). Tables written: subscribers (M0, M1), bills (M0),
usage_daily (M0), product_orders, contacts (M0 inbound); the other two are empty. Split: the
file name ('80' -> train, '20' -> evaluate).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from .common import (
    IngestResult, bill_row, churn_report, last_day, months_report, order_row, parse_choice, parse_number,
    plan_for_fee, read_csv, round_int, snapshot_rows, source_entry, user_error,
)

YES_NO = {"yes": True, "no": False}
CHURN = {"true": True, "false": False}
PERIODS = ("day", "eve", "night")
REQUIRED = ["Account length", "International plan", "Voice mail plan", "Number vmail messages",
            *[f"Total {p} {m}" for p in (*PERIODS, "intl") for m in ("minutes", "calls", "charge")],
            "Customer service calls", "Churn"]
INTL_PRODUCT = "INTLCALL"    # seeds/reference/products.csv, product type intl_call (has_intl_call_pack)
VOICEMAIL_PRODUCT = "VASCLOUD"
CONTACT_CHANNEL = "hotline"
CONTACT_OUTCOME = "responded"  # what subops generate writes for inbound contacts
CONTACT_TIME = "10:00:00"
SPLITS = {"80": "train", "20": "evaluate"}
USAGE_ZERO = ("voice_in_minutes", "sms_count", "data_mb", "data_5g_mb", "dropped_calls")


def split_of_file(path: Path) -> tuple[str, str]:
    """('80', 'train') or ('20', 'evaluate') from the file name; a UserError when it says neither or both."""
    found = [k for k in SPLITS if k in path.stem]
    if len(found) != 1:
        raise user_error(f"{path.name}: the file name must contain '80' (train) or '20' (evaluate), "
                         "and not both, to say which split its rows belong to")
    return found[0], SPLITS[found[0]]


def spread(total: int, days: int) -> list[int]:
    """total over days: floor(total / days) each day, the remainder on the last day (the sum is exact)."""
    each = total // days
    return [each] * (days - 1) + [total - each * (days - 1)]


def usage_rows(sid: str, first: date, days: int, totals: dict[str, int]) -> list[dict]:
    per_day = {k: spread(v, days) for k, v in totals.items()}
    return [{"usage_date": first + timedelta(days=i), "subscriber_id": sid, **{k: per_day[k][i] for k in per_day},
             **{k: 0 for k in USAGE_ZERO}} for i in range(days)]


def contact_rows(sid: str, first: date, days: int, calls: int) -> list[dict]:
    """calls inbound hotline contacts, the k-th on day first + floor((2k + 1) * days / (2 * calls)), 10:00."""
    return [{"contact_id": f"{sid}-C{k + 1:02d}", "subscriber_id": sid,
             "contact_at": f"{(first + timedelta(days=(2 * k + 1) * days // (2 * calls))).isoformat()} {CONTACT_TIME}",
             "channel_code": CONTACT_CHANNEL, "direction": "inbound", "campaign_id": None, "product_id": None,
             "outcome": CONTACT_OUTCOME} for k in range(calls)]


def build(files: list[Path], m0: date) -> IngestResult:
    tagged = [(path, *split_of_file(path)) for path in files]
    kinds = [k for _, k, _ in tagged]
    if len(set(kinds)) != len(kinds):
        raise user_error("two files name the same split ('80' or '20'); their subscriber ids would collide")
    month_end = last_day(m0)
    base, bills, usage, orders, contacts, split, sources = [], [], [], [], [], [], []
    churn_spellings: dict[str, int] = {}
    opened_in_m0: list[str] = []
    for path, kind, split_name in tagged:
        raw = read_csv(path, REQUIRED)
        sources.append(source_entry(path, len(raw)))
        width = max(4, len(str(len(raw))))
        for n, r in enumerate(raw, start=1):
            line = n + 1

            def num(column, integer=False):
                return parse_number(path, line, column, r[column], integer=integer)

            def choice(column, mapping):
                return parse_choice(path, line, column, r[column], mapping)

            sid = f"BIGML{kind}-{n:0{width}d}"
            churned = choice("Churn", CHURN)
            churn_spellings[r["Churn"].strip()] = churn_spellings.get(r["Churn"].strip(), 0) + 1
            open_date = month_end - timedelta(days=int(num("Account length", integer=True)))
            first = max(open_date, m0)
            days = (month_end - first).days + 1
            if open_date >= m0:
                opened_in_m0.append(sid)
            voice = sum((num(f"Total {p} charge") for p in PERIODS), Decimal(0))
            roaming = num("Total intl charge")
            base.append({"subscriber_id": sid, "gender": "U", "open_date": open_date,
                         "plan_id": plan_for_fee(voice + roaming), "customer_type": "individual",
                         "churned": churned})
            bills.append(bill_row(m0, sid, voice=voice, roaming=roaming))
            usage += usage_rows(sid, first, days, {
                "voice_out_minutes": round_int(sum((num(f"Total {p} minutes") for p in PERIODS), Decimal(0))),
                "voice_calls": int(sum(num(f"Total {p} calls", integer=True) for p in PERIODS)),
                "roaming_minutes": round_int(num("Total intl minutes")),
                "vas_events": int(num("Number vmail messages", integer=True)),
            })
            if choice("International plan", YES_NO):
                orders.append(order_row(sid, INTL_PRODUCT, open_date))
            if choice("Voice mail plan", YES_NO):
                orders.append(order_row(sid, VOICEMAIL_PRODUCT, open_date))
            contacts += contact_rows(sid, first, days, int(num("Customer service calls", integer=True)))
            split.append((sid, split_name))

    report = {
        "dataset": "bigml",
        "sources": sources,
        "months": months_report(m0),
        "subscribers": len(base),
        "churn": churn_report(base),
        "split_rule": "file name containing '80' -> train, '20' -> evaluate",
        "subscriber_id_rule": "'BIGML' + '80' or '20' (from the file name) + '-' + the data row number in that "
                              "file, from 1, zero-padded to 4 digits",
        "quirks": [
            {"quirk": "no_subscriber_id", "count": len(base),
             "handling": "ids made from the file's split and the row number (subscriber_id_rule)"},
            {"quirk": "column_names_with_spaces", "handling": "read by their exact header names"},
            {"quirk": "churn_spelling", "counts": dict(sorted(churn_spellings.items())),
             "handling": "TRUE/True/FALSE/False parsed case-insensitively; anything else is an error"},
            {"quirk": "area_code_numbers", "handling": "State and Area code not mapped; region_code fixed"},
            {"quirk": "opened_within_observation_month", "count": len(opened_in_m0), "ids": opened_in_m0,
             "handling": "Account length below the days of M0: the month's usage and contacts are spread over "
                         "the days from open_date to the month end only"},
        ],
        "not_mapped": ["State", "Area code", "Total intl calls"],
    }
    return IngestResult(m0=m0, tables={"subscribers": snapshot_rows(base, m0), "bills": bills, "usage_daily": usage,
                                       "product_orders": orders, "contacts": contacts}, split=split, report=report)
