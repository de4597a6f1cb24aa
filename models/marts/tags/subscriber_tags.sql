{#- Every tag of every registered family, long: one row per subscriber, month and tag
    it has. Unpivoted from subscriber_tags_wide, where each family is computed once per
    build (their views recompute history); the tag codes come from the families' YAML
    blocks (tag_registry checks them against the models before this model is built). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='tag_month',
    partition_by=lifecycle_partition_by('tag_month'),
    on_schema_change='fail',
) }}

{%- set registry = tag_registry() -%}

with

tags_wide as (

    select * from {{ ref('subscriber_tags_wide') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

unpivoted as (
    {{- unpivot_tag_families(registry, 'tags_wide') }}
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
