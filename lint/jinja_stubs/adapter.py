"""Stand-in for dbt's `adapter`: a dispatched project macro renders as a neutral expression,
a dispatched clause as what it renders on DuckDB."""

CLAUSES_ON_DUCKDB = {
    "optimization_fence": lambda: "",
    "not_materialized": lambda: "not materialized",
    "computed_whole": lambda: "materialized",
    "stored_in_month_order": lambda month_column: f"order by {month_column}",
}


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        clause = CLAUSES_ON_DUCKDB.get(macro_name)
        return clause(*args, **kwargs) if clause else f"{macro_name}_expression"

    return render
