{#- One row per subscriber-month in the lifecycle view with one column per registered
    tag code, and the score column of a tag that has one, for BI. Its columns follow the
    registry, so it has no enforced contract: a new family adds columns here without
    editing this model. subscriber_tags (long) is unpivoted from it. The families are
    joined on a compact key (macros/cross_db/compact_join_key.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='tag_month',
    partition_by=lifecycle_partition_by('tag_month'),
    on_schema_change='sync_all_columns',
) }}

{%- set families = tag_families() -%}
{%- set registry = tag_registry() -%}
{%- set tag_columns = [] -%}
{%- for tag in registry -%}
    {%- do tag_columns.append(tag.model ~ '.' ~ tag.code) -%}
    {%- if tag.score_column -%}
        {%- do tag_columns.append(tag.model ~ '.' ~ tag.score_column) -%}
    {%- endif -%}
{%- endfor -%}

with

subscriber_months as (

    select
        subscriber_key,
        {{ compact_join_key('subscriber_key') }} as join_key,
        report_month as tag_month
    from {{ ref('fct_subscriber_months') }}
    where {{ lifecycle_window_filter('report_month') }}

),

{% for family in families %}
{{ family }} as (

    select
        *,
        {{ compact_join_key('subscriber_key') }} as join_key
    from {{ ref(family) }}
    where {{ lifecycle_window_filter('tag_month') }}

),

{% endfor %}
final as (

    select
        subscriber_months.subscriber_key,
        {% for column in tag_columns -%}
        {{ column }},
        {% endfor -%}
        subscriber_months.tag_month
    from subscriber_months
    {% for family in families -%}
    left join {{ family }}
        on
            subscriber_months.join_key = {{ family }}.join_key
            and subscriber_months.tag_month = {{ family }}.tag_month
    {% endfor %}

)

select * from final
