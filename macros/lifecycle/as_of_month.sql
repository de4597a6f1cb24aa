{#- The month a lifecycle build is "as of" (dbt var as_of_month, first day of a month).

    as_of_month() renders the var as a date literal when it is given (2025-06-01, or
    2025-06), else a scalar subquery for the latest snapshot_month in
    stg_crm__subscriber_snapshots, the latest complete month in the landing data.

    as_of_month(resolve=true) always renders a literal while dbt executes: without the
    var it runs that subquery first. Incremental models filter on it, so the month bounds
    are constants the database can push into the scan (the usage files are pruned to the
    months being built instead of read whole). While dbt parses, and while sqlfluff
    lints, it renders the subquery, which is all dbt needs to see the dependency. -#}
{% macro as_of_month(resolve=false) -%}
    {%- set given = lifecycle_given_as_of_month() -%}
    {%- if given is not none -%}
        {{ return(lifecycle_month_literal(given)) }}
    {%- endif -%}
    {%- if resolve and execute -%}
        {%- set resolved = lifecycle_resolve_as_of_month() -%}
        {%- if resolved is not none -%}
            {{ return(lifecycle_month_literal(resolved)) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(lifecycle_latest_snapshot_month()) }}
{%- endmacro %}

{#- The default as_of_month: a scalar subquery for the latest valid CRM snapshot month. -#}
{% macro lifecycle_latest_snapshot_month() -%}
    (select max(snapshot_month) from {{ ref('stg_crm__subscriber_snapshots') }})
{%- endmacro %}

{#- The var as_of_month as a date, or none when it is not set. Stops the run with a
    message when it is not the first day of a month. -#}
{% macro lifecycle_given_as_of_month() -%}
    {%- set value = var('as_of_month', none) -%}
    {%- if value is none or (value | string | trim) in ('', 'none', 'None', 'null') or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(lifecycle_parse_month(value | string | trim, 'as_of_month')) }}
{%- endmacro %}

{#- 'YYYY-MM-DD' (first day of a month) or 'YYYY-MM' as a date. -#}
{% macro lifecycle_parse_month(text, name='month') -%}
    {%- set parts = text[:10].split('-') -%}
    {%- if parts | length not in (2, 3) or not (parts | join('')).isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be the first day of a month, YYYY-MM-DD or YYYY-MM; got '" ~ text ~ "'") }}
    {%- endif -%}
    {%- if parts | length == 3 and parts[2] | int != 1 -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be the first day of a month (a _month value); got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(modules.datetime.date(parts[0] | int, parts[1] | int, 1)) }}
{%- endmacro %}

{#- Run the latest-snapshot subquery; none when its relation is not built yet (dbt compile
    on an empty warehouse), so the caller falls back to the subquery itself. -#}
{% macro lifecycle_resolve_as_of_month() -%}
    {%- set snapshots = ref('stg_crm__subscriber_snapshots') -%}
    {%- if adapter.get_relation(snapshots.database, snapshots.schema, snapshots.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = run_query('select ' ~ lifecycle_latest_snapshot_month()).columns[0].values()[0] -%}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error(
            "as_of_month: stg_crm__subscriber_snapshots holds no valid snapshot; pass --vars '{as_of_month: YYYY-MM-01}'") }}
    {%- endif -%}
    {{ return(lifecycle_parse_month(value | string, 'as_of_month')) }}
{%- endmacro %}

{#- A date as a portable SQL date literal. -#}
{% macro lifecycle_month_literal(month) -%}
    {{ return("cast('" ~ month.strftime('%Y-%m-%d') ~ "' as date)") }}
{%- endmacro %}

{#- The first day of the month `months` after (or before, when negative) `month`. -#}
{% macro lifecycle_add_months(month, months) -%}
    {%- set index = month.year * 12 + month.month - 1 + months -%}
    {{ return(modules.datetime.date(index // 12, index % 12 + 1, 1)) }}
{%- endmacro %}
