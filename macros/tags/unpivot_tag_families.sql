{#- The registered tags of every family as long rows (subscriber_key, tag_month,
    tag_family, tag_code, tag_value, tag_score), one per tag a subscriber-month has:
    a flag tag when true, a category tag when not null. Each family is read from the
    CTE or relation named like its model. -#}
{% macro unpivot_tag_families(registry) -%}
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
    from {{ tag.model }}
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
    where 1 = 0
    {%- endfor %}
{%- endmacro %}
