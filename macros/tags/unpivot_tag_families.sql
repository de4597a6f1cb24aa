{#- The registered tags of every family as long rows (subscriber_key, tag_month,
    tag_family, tag_code, tag_value, tag_score), one per tag a subscriber-month has:
    a flag tag when true, a category tag when not null. Every tag is read from `source`,
    a CTE or relation holding its code and score columns (subscriber_tags_wide). -#}
{% macro unpivot_tag_families(registry, source) -%}
    {%- for tag in registry %}
    select
        subscriber_key,
        tag_month,
        '{{ tag.family }}' as tag_family,
        '{{ tag.code }}' as tag_code,
        {%- if tag.value_type == 'flag' %}
        'Y' as tag_value,
        {%- else %}
        cast({{ tag.code }} as {{ dbt.type_string() }}) as tag_value,
        {%- endif %}
        cast({{ tag.score_column or 'null' }} as {{ share_type() }}) as tag_score
    from {{ source }}
    where {{ tag.code }} {{ '= true' if tag.value_type == 'flag' else 'is not null' }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as subscriber_key,
        cast(null as date) as tag_month,
        cast(null as {{ dbt.type_string() }}) as tag_family,
        cast(null as {{ dbt.type_string() }}) as tag_code,
        cast(null as {{ dbt.type_string() }}) as tag_value,
        cast(null as {{ share_type() }}) as tag_score
    from {{ source }}
    where 1 = 0
    {%- endfor %}
{%- endmacro %}
