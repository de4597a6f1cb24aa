{#- The eligibility rules of the campaigns seed as rows: one per term of required_tags
    (all must hold), any_tags (at least one must hold, when there are any) and
    excluded_tags (none may hold). A term is a tag code (the subscriber carries the tag)
    or code=value (the tag has that value, e.g. value_tier=high). Each distinct condition
    gets one bit of a subscriber's tag mask (int_campaign_eligibility), so a table: the
    planner sees exact row counts, not a view's guess of millions. -#}
{{ config(materialized='table') }}
{%- set max_terms = var('campaign_rule_max_terms') -%}
{%- set rule_columns = {'required': 'required_tags', 'any': 'any_tags', 'excluded': 'excluded_tags'} -%}

with

campaigns as (

    select * from {{ ref('campaigns') }}

),

{% for term_kind, column in rule_columns.items() %}
{{ term_kind }}_terms as (
    {{- split_list_column('campaigns', ['campaign_id'], column, max_terms) }}

),

{% endfor %}
unioned as (

    {%- for term_kind in rule_columns %}
    select
        campaign_id,
        '{{ term_kind }}' as term_kind,
        term_index,
        term_text
    from {{ term_kind }}_terms
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        campaign_id,
        term_kind,
        cast(term_index as {{ dbt.type_int() }}) as term_index,
        term_text,
        case
            when term_text like '%=%' then trim({{ dbt.split_part('term_text', "'='", 1) }})
            else term_text
        end as tag_code,
        case
            when term_text like '%=%' then trim({{ dbt.split_part('term_text', "'='", 2) }})
        end as tag_value

    from unioned
    where term_text <> ''

),

numbered as (

    select
        *,
        -- the planner's order within a campaign: required, any, excluded, each as listed
        row_number() over (
            partition by campaign_id
            order by case term_kind when 'required' then 0 when 'any' then 1 else 2 end, term_index
        ) as term_order,
        dense_rank() over (order by tag_code, tag_value nulls first) as condition_number
    from final

)

select
    campaign_id,
    term_kind,
    term_index,
    term_text,
    tag_code,
    tag_value,
    cast(term_order as {{ dbt.type_int() }}) as term_order,
    -- a bigint holds 62 condition bits safely; beyond that the seed test fails, not a cast
    case
        when condition_number <= {{ var('campaign_rule_max_conditions') }}
            then cast(power(2, condition_number - 1) as {{ dbt.type_bigint() }})
    end as condition_bit
from numbered
