"""Stand-in for dbt's `adapter`: a dispatched project macro renders as a neutral expression."""


def dispatch(macro_name, macro_namespace=None):
    def render(*args, **kwargs):
        return f"{macro_name}_expression"

    return render
