"""Where things are: the dbt project root and the default working folders."""
from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
DEFAULT_LANDING_DIR = PROJECT_DIR / "data" / "landing"
DEFAULT_WAREHOUSE_DIR = PROJECT_DIR / "warehouse"
# Real public churn data sets (README "Real datasets"), beside the project.
REAL_DATA_DIR = PROJECT_DIR.parent / "shared" / "data" / "real"

# The seven landing tables of contract v1, each with the audit model that quarantines
# the rows staging rejects (schema `audit`).
AUDIT_MODELS = {
    "subscribers": "audit_crm__subscriber_snapshot_rejects",
    "bills": "audit_billing__bill_rejects",
    "usage_daily": "audit_usage__usage_day_rejects",
    "circles_monthly": "audit_usage__call_circle_rejects",
    "product_orders": "audit_orders__product_order_rejects",
    "contacts": "audit_marketing__contact_rejects",
    "complaints": "audit_service__complaint_rejects",
}
LANDING_TABLES = tuple(AUDIT_MODELS)
