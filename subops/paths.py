"""Where things are: the dbt project root and the default working folders."""
from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
DEFAULT_LANDING_DIR = PROJECT_DIR / "data" / "landing"
DEFAULT_WAREHOUSE_DIR = PROJECT_DIR / "warehouse"

# The seven landing tables of contract v1, in load order.
LANDING_TABLES = (
    "subscribers",
    "bills",
    "usage_daily",
    "circles_monthly",
    "product_orders",
    "contacts",
    "complaints",
)
