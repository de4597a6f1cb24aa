{#- Nothing lost in staging: every landed row is either valid (in `model`) or
    quarantined with a reason (in `audit`).

    With landing_date_column and audit_date_column (and meta.months_built_column on the
    model), an incremental build counts only the months it built on all three sides
    (see lifecycle_test_window_filter); rows whose date is missing or unreadable are
    then counted by --full-refresh builds, where the test reads everything.

    valid_rows counts the valid rows in `model` (default count(*)); audit_where keeps the
    audit rows that count against the landing. Daily usage uses both: its valid rows are
    counted in the month sums (sum(day_rows), before the dedup), so the dropped repeats
    (duplicate_key) are left out of the audit side, and no check judges 290M rows again.
    The month sums hold only the months built, so through_as_of_month counts every side up
    to as_of_month (the model by its meta.months_built_column; landing and audit rows
    without a readable date stay counted). -#}
{% test reconciles_with_landing(model, landing, audit, landing_date_column=none, audit_date_column=none,
                                valid_rows='count(*)', audit_where=none, through_as_of_month=false) %}

{%- set landing_filter = '1 = 1' -%}
{%- set audit_filter = '1 = 1' -%}
{%- if landing_date_column and audit_date_column -%}
    {%- set landing_filter = lifecycle_test_window_filter(dbt.safe_cast(landing_date_column, 'date')) -%}
    {%- set audit_filter = lifecycle_test_window_filter(audit_date_column) -%}
{%- endif %}
{%- set model_filter = '1 = 1' -%}
{%- set as_of = lifecycle_test_as_of_date() if through_as_of_month else none -%}
{%- if as_of is not none -%}
    {%- set after = lifecycle_month_literal(lifecycle_add_months(as_of, 1)) -%}
    {%- set model_filter = lifecycle_tested_month_column() ~ ' < ' ~ after -%}
    {%- set landing_date = dbt.safe_cast(landing_date_column, 'date') -%}
    {%- set landing_filter = landing_filter ~ ' and (' ~ landing_date ~ ' is null or ' ~ landing_date ~ ' < ' ~ after ~ ')' -%}
    {%- set audit_filter = audit_filter ~ ' and (' ~ audit_date_column ~ ' is null or ' ~ audit_date_column ~ ' < ' ~ after ~ ')' -%}
{%- endif %}
{%- if audit_where -%}
    {%- set audit_filter = audit_filter ~ ' and ' ~ audit_where -%}
{%- endif %}

with counts as (

    select
        (select count(*) from {{ landing }} where {{ landing_filter }}) as landing_rows,
        (select coalesce({{ valid_rows }}, 0) from {{ model }} where {{ model_filter }}) as valid_rows,
        (select count(*) from {{ audit }} where {{ audit_filter }}) as rejected_rows

)

select * from counts
where landing_rows <> valid_rows + rejected_rows

{% endtest %}
