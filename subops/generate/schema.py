"""Landing contract v1: the columns and types of the seven tables, and what the defects may break."""
from __future__ import annotations

MONEY = "DECIMAL(12,2)"

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "subscribers": [
        ("snapshot_month", "DATE"), ("subscriber_id", "VARCHAR"), ("msisdn", "VARCHAR"), ("cert_id", "VARCHAR"),
        ("customer_name", "VARCHAR"), ("gender", "VARCHAR"), ("birth_date", "DATE"), ("open_date", "DATE"),
        ("status", "VARCHAR"), ("status_date", "DATE"), ("close_reason", "VARCHAR"), ("plan_id", "VARCHAR"),
        ("customer_type", "VARCHAR"), ("region_code", "VARCHAR"), ("acquisition_channel", "VARCHAR"),
        ("is_premium_number", "BOOLEAN"), ("contract_end_date", "DATE"), ("family_group_id", "VARCHAR"),
        ("device_5g_capable", "BOOLEAN"), ("is_realname_verified", "BOOLEAN"), ("risk_flag", "VARCHAR"),
        ("marketing_consent", "BOOLEAN"), ("dnd_flag", "BOOLEAN"),
    ],
    "bills": [
        ("bill_month", "DATE"), ("subscriber_id", "VARCHAR"), ("total_fee", MONEY), ("plan_fee", MONEY),
        ("voice_fee", MONEY), ("data_fee", MONEY), ("sms_fee", MONEY), ("vas_fee", MONEY), ("roaming_fee", MONEY),
        ("discount_fee", MONEY), ("paid_fee", MONEY), ("arrears_fee", MONEY),
    ],
    "usage_daily": [
        ("usage_date", "DATE"), ("subscriber_id", "VARCHAR"), ("voice_out_minutes", "INTEGER"),
        ("voice_in_minutes", "INTEGER"), ("voice_calls", "INTEGER"), ("sms_count", "INTEGER"),
        ("data_mb", "DOUBLE"), ("data_5g_mb", "DOUBLE"), ("vas_events", "INTEGER"), ("roaming_minutes", "INTEGER"),
        ("dropped_calls", "INTEGER"),
    ],
    "circles_monthly": [
        ("month", "DATE"), ("subscriber_id", "VARCHAR"), ("circle_size", "INTEGER"), ("on_net_contacts", "INTEGER"),
        ("off_net_contacts", "INTEGER"),
    ],
    "product_orders": [
        ("order_id", "VARCHAR"), ("subscriber_id", "VARCHAR"), ("product_id", "VARCHAR"), ("action", "VARCHAR"),
        ("order_at", "TIMESTAMP"), ("effective_date", "DATE"), ("expire_date", "DATE"), ("channel_code", "VARCHAR"),
        ("campaign_id", "VARCHAR"),
    ],
    "contacts": [
        ("contact_id", "VARCHAR"), ("subscriber_id", "VARCHAR"), ("contact_at", "TIMESTAMP"),
        ("channel_code", "VARCHAR"), ("direction", "VARCHAR"), ("campaign_id", "VARCHAR"), ("product_id", "VARCHAR"),
        ("outcome", "VARCHAR"),
    ],
    "complaints": [
        ("ticket_id", "VARCHAR"), ("subscriber_id", "VARCHAR"), ("created_at", "TIMESTAMP"), ("category", "VARCHAR"),
        ("severity", "VARCHAR"), ("channel_code", "VARCHAR"), ("closed_at", "TIMESTAMP"), ("is_resolved", "BOOLEAN"),
        ("satisfaction_score", "INTEGER"),
    ],
}

# The date column that decides a row's month partition, and the columns that order a file.
PARTITION_COLUMN = {
    "subscribers": "snapshot_month", "bills": "bill_month", "usage_daily": "usage_date",
    "circles_monthly": "month", "product_orders": "order_at", "contacts": "contact_at", "complaints": "created_at",
}
ORDER_BY = {
    "subscribers": "snapshot_month, _sid nulls last, _tb",
    "bills": "bill_month, _sid nulls last, _tb",
    "usage_daily": "_sid nulls last, usage_date, _tb",
    "circles_monthly": "month, _sid nulls last, _tb",
    "product_orders": "order_at, order_id nulls last, _sid nulls last, _tb",
    "contacts": "contact_at, contact_id nulls last, _sid nulls last, _tb",
    "complaints": "created_at, ticket_id nulls last, _sid nulls last, _tb",
}

# Defect reasons each table can carry (the dbt staging layer assigns one per rejected row).
REASONS: dict[str, tuple[str, ...]] = {
    "subscribers": ("duplicate_key", "null_key", "unknown_code", "malformed_msisdn", "future_date"),
    "bills": ("duplicate_key", "null_key", "orphan_subscriber", "negative_amount", "fee_mismatch", "future_date"),
    "usage_daily": ("duplicate_key", "null_key", "orphan_subscriber", "negative_amount", "future_date"),
    "circles_monthly": ("duplicate_key", "null_key", "orphan_subscriber", "negative_amount"),
    "product_orders": ("duplicate_key", "null_key", "orphan_subscriber", "unknown_code", "future_date"),
    "contacts": ("duplicate_key", "null_key", "orphan_subscriber", "unknown_code", "future_date"),
    "complaints": ("duplicate_key", "null_key", "orphan_subscriber", "unknown_code", "future_date"),
}

# The code lists of contract v1 that are not seeds.
CODES = {
    "gender": ("M", "F", "U"),
    "status": ("active", "suspended", "closed"),
    "close_reason": ("port_out", "voluntary", "non_payment", "fraud", "other"),
    "customer_type": ("individual", "family", "enterprise"),
    "risk_flag": ("none", "suspected_fraud", "blacklisted"),
    "action": ("subscribe", "unsubscribe", "change_plan"),
    "direction": ("outbound", "inbound"),
    "outcome": ("sent", "delivered", "failed", "opened", "responded", "accepted", "declined", "opt_out", "no_answer"),
    "category": ("network", "billing", "service", "marketing_harassment", "product", "fraud", "other"),
    "severity": ("low", "medium", "high"),
}


def select_list(table: str) -> str:
    return ", ".join(f"cast({c} as {t}) as {c}" for c, t in COLUMNS[table])


def column_names(table: str) -> str:
    return ", ".join(c for c, _ in COLUMNS[table])
