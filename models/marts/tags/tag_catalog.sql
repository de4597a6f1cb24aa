{{ config(materialized='table') }}

{#- The tag registry as a table: every registered tag code with its names, kind,
    cadence, owner and description, and its coverage in the latest tagged month. -#}
{%- set registry = tag_registry() -%}

with

registered as (
    {%- for tag in registry %}
    select
        '{{ tag.code }}' as tag_code,
        '{{ tag.family }}' as tag_family,
        '{{ tag.model }}' as family_model,
        '{{ tag.name_zh }}' as tag_name_zh,
        '{{ tag.name_en | replace("'", "''") }}' as tag_name_en,
        '{{ tag.kind }}' as tag_kind,
        '{{ tag.cadence }}' as refresh_cadence,
        '{{ tag.owner }}' as tag_owner,
        '{{ tag.value_type }}' as value_type,
        '{{ tag.description | replace("'", "''") | replace("\n", " ") | trim }}' as tag_description
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as tag_code,
        cast(null as {{ dbt.type_string() }}) as tag_family,
        cast(null as {{ dbt.type_string() }}) as family_model,
        cast(null as {{ dbt.type_string() }}) as tag_name_zh,
        cast(null as {{ dbt.type_string() }}) as tag_name_en,
        cast(null as {{ dbt.type_string() }}) as tag_kind,
        cast(null as {{ dbt.type_string() }}) as refresh_cadence,
        cast(null as {{ dbt.type_string() }}) as tag_owner,
        cast(null as {{ dbt.type_string() }}) as value_type,
        cast(null as {{ dbt.type_string() }}) as tag_description
    where 1 = 0
    {%- endfor %}
),

monitoring as (

    select * from {{ ref('tag_monitoring') }}

),

latest_month as (

    select max(tag_month) as coverage_month
    from monitoring

),

latest as (

    select
        monitoring.tag_code,
        monitoring.tag_month as coverage_month,
        monitoring.tagged_subscribers,
        monitoring.coverage
    from monitoring
    inner join latest_month on monitoring.tag_month = latest_month.coverage_month

),

final as (

    select
        registered.tag_code,
        registered.tag_family,
        registered.family_model,
        registered.tag_name_zh,
        registered.tag_name_en,
        registered.tag_kind,
        registered.refresh_cadence,
        registered.tag_owner,
        registered.value_type,
        registered.tag_description,
        latest.coverage_month,
        coalesce(latest.tagged_subscribers, 0) as tagged_subscribers,
        coalesce(latest.coverage, 0) as coverage
    from registered
    left join latest on registered.tag_code = latest.tag_code

)

select * from final
