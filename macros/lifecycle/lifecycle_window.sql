{#- The months a lifecycle build writes.

    A full build (--full-refresh, or the first build of a model) writes every month up to
    as_of_month. An incremental build writes as_of_month and the month before it: the
    earlier one again because its label (is_churned_next_month) becomes known only when
    as_of_month lands, and so that a rebuild picks up rows that arrived late for it. The
    incremental models replace exactly these months (delete+insert keyed on the month,
    insert_overwrite of the month partitions on Spark).

    lifecycle_window_filter(column, lookback_months) is the predicate for one of those
    builds on a date or month column; lookback_months widens it into the past for the
    history a month needs (the 3-month baselines). The bounds are literals, so DuckDB
    prunes the landing Parquet files by their row-group statistics. -#}

{#- Months an incremental build writes, counting as_of_month. -#}
{% macro lifecycle_incremental_months() -%}
    {{ return(2) }}
{%- endmacro %}

{#- as_of_month as a date while dbt executes, else none (parse time, lint, or a warehouse
    without the CRM staging model yet). -#}
{% macro lifecycle_as_of_date() -%}
    {%- set given = lifecycle_given_as_of_month() -%}
    {%- if given is not none or not execute -%}
        {{ return(given) }}
    {%- endif -%}
    {{ return(lifecycle_resolve_as_of_month()) }}
{%- endmacro %}

{% macro lifecycle_window_filter(column, lookback_months=0) -%}
    {%- set as_of = lifecycle_as_of_date() -%}
    {%- set months_back = lifecycle_incremental_months() - 1 + lookback_months -%}
    {%- if as_of is none -%}
        {#- parse time or lint: the same predicate over the subquery -#}
        {{ column }} <= {{ as_of_month() }}
        {%- if is_incremental() %}
        and {{ column }} >= {{ dbt.dateadd('month', -1 * months_back, as_of_month()) }}
        {%- endif -%}
    {%- else -%}
        {{ column }} < {{ lifecycle_month_literal(lifecycle_add_months(as_of, 1)) }}
        {%- if is_incremental() %}
        and {{ column }} >= {{ lifecycle_month_literal(lifecycle_add_months(as_of, -1 * months_back)) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The first month a build writes, as a literal: as_of_month less one month on an
    incremental build, none on a full build (every month). -#}
{% macro lifecycle_first_written_month() -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set as_of = lifecycle_as_of_date() -%}
    {%- if as_of is none -%}
        {{ return(dbt.dateadd('month', 1 - lifecycle_incremental_months(), as_of_month())) }}
    {%- endif -%}
    {{ return(lifecycle_month_literal(lifecycle_add_months(as_of, 1 - lifecycle_incremental_months()))) }}
{%- endmacro %}

{#- The first month an incremental build of a base model writes, for the base models the
    CRM staging (and so the default as_of_month) is built from: as_of_month when given,
    else the latest valid month already stored in `relation` (the default as_of_month,
    the latest landed month, is at or after it); less one month, as a literal. None on a
    full build, or when nothing valid is stored yet. -#}
{% macro lifecycle_stored_first_written_month(relation, month_column) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set as_of = lifecycle_given_as_of_month() -%}
    {%- if as_of is none -%}
        {%- set stored = run_query('select max(' ~ month_column ~ ') from ' ~ relation
            ~ ' where reject_reason is null').columns[0].values()[0] -%}
        {%- if stored is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set as_of = lifecycle_parse_month(stored | string, 'stored ' ~ month_column) -%}
    {%- endif -%}
    {{ return(lifecycle_month_literal(lifecycle_add_months(as_of, 1 - lifecycle_incremental_months()))) }}
{%- endmacro %}

{#- Portable incremental configuration: replace whole months. delete+insert keyed on the
    month column (DuckDB, PostgreSQL); on Spark, insert_overwrite of the month partitions.
    (`target` is undefined only while sqlfluff renders the models.) -#}
{% macro lifecycle_incremental_strategy() -%}
    {%- set target_type = target.type if target is defined else none -%}
    {{ return('insert_overwrite' if target_type == 'spark' else 'delete+insert') }}
{%- endmacro %}

{% macro lifecycle_partition_by(month_column) -%}
    {%- set target_type = target.type if target is defined else none -%}
    {{ return([month_column] if target_type == 'spark' else none) }}
{%- endmacro %}
