{#- Written after the final select of a model that is incremental by month:
    `select * from final {{ stored_in_month_order('report_month') }}`.

    DuckDB keeps each column's min and max per row group (zone maps), and a checkpoint
    rewrites every row group a delete touched. Rows stored in month order fill row groups
    of one month each, so a monthly build's delete of its months drops whole row groups
    instead of rewriting the whole table (at 1M subscribers that rewrite cost ~9 s per
    wide table after a --full-refresh), and a month-window read skips the row groups of
    other months. PostgreSQL and Spark (month partitions) keep their own layout.

    Used by the lifecycle inputs (staging, audit, roll-ups), the lifecycle view, segments,
    churn and KPIs, all measured at 1M subscribers x 12 months. Not by the tag tables:
    at that tier the sort of subscriber_tags ran out of 12 GB, and so did that of
    subscriber_tags_wide while other models ran beside it; nor yet by the campaign
    models, which have not been measured with it at that tier. -#}
{% macro stored_in_month_order(month_column) -%}
    {{ return(adapter.dispatch('stored_in_month_order', 'subscriber_ops')(month_column)) }}
{%- endmacro %}

{% macro default__stored_in_month_order(month_column) -%}
{%- endmacro %}

{% macro duckdb__stored_in_month_order(month_column) -%}
    order by {{ month_column }}
{%- endmacro %}
