"""Stand-in for dbt's `adapter`: a dispatched project macro renders as a neutral expression,
a dispatched clause that is empty on DuckDB as nothing."""

EMPTY_ON_DUCKDB = {"optimization_fence"}


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        return "" if macro_name in EMPTY_ON_DUCKDB else f"{macro_name}_expression"

    return render
