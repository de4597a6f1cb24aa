{#- The monthly landings are judged once per run and stored incrementally by month (the
    judged CRM snapshots, bills and calling circles, and their audit tables), so staging,
    audit, roll-ups and tests read a table. A build replaces whole partitions: the month
    as text, 'undated' for rows without a readable month, which every build judges again. -#}
{% macro landing_month_partition(month_column) -%}
    coalesce(cast({{ month_column }} as {{ dbt.type_string() }}), 'undated')
{%- endmacro %}

{#- The landing rows an incremental build judges again: those of first_written_month and
    later (later months hold future-dated rows) and those without a readable month. The
    bound is a literal, so DuckDB skips the other months' Parquet row groups. None (a full
    build) keeps every row. -#}
{% macro landing_rows_from_month(raw_month_column, first_written_month) -%}
    {%- if first_written_month is not none -%}
    where
        {{ dbt.safe_cast(raw_month_column, 'date') }} is null
        or {{ dbt.safe_cast(raw_month_column, 'date') }} >= {{ first_written_month }}
    {%- endif -%}
{%- endmacro %}
