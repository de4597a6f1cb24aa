{#- The allowed channels of the campaigns seed as rows, one per campaign and channel, in
    the order the planner listed them (channel_order breaks the last tie of the channel
    choice). -#}
with

campaigns as (

    select * from {{ ref('campaigns') }}

),

split as (
    {{- split_list_column('campaigns', ['campaign_id'], 'allowed_channels', var('campaign_rule_max_terms')) }}

),

final as (

    select
        campaign_id,
        lower(term_text) as channel_code,
        cast(term_index as {{ dbt.type_int() }}) as channel_order

    from split
    where term_text <> ''

)

select * from final
