{#- Every tag of every registered family, long: one row per subscriber, month and tag
    it has. The families come from tag_families(); their tag codes from the families'
    YAML blocks (tag_registry checks the two agree before this model is built). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='tag_month',
    partition_by=lifecycle_partition_by('tag_month'),
    on_schema_change='fail',
) }}

{%- set families = tag_families() -%}
{%- set registry = tag_registry() -%}

with

{% for family in families %}
{{ family }} as (

    select * from {{ ref(family) }}
    where {{ lifecycle_window_filter('tag_month') }}

),

{% endfor %}
unpivoted as (
    {{- unpivot_tag_families(registry) }}
),

final as (

    select
        subscriber_key,
        tag_month,
        tag_family,
        tag_code,
        tag_value,
        tag_score
    from unpivoted

)

select * from final
