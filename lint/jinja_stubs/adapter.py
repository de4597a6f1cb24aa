"""Stand-in for dbt's `adapter`: a dispatched project macro renders as a neutral expression,
a dispatched clause as what it renders on DuckDB."""

CLAUSES_ON_DUCKDB = {"optimization_fence": "", "not_materialized": "not materialized"}


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        return CLAUSES_ON_DUCKDB.get(macro_name, f"{macro_name}_expression")

    return render
