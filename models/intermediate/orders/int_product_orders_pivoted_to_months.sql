{#- Product holdings at each month end (for every CRM snapshot month): the holding spans
    of int_product_holdings_spanned (replayed from the whole order history, so orders
    placed before the window give the opening holdings) that cover the month's last day.
    Incremental by month like the other roll-ups. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='holding_month',
    partition_by=lifecycle_partition_by('holding_month'),
    on_schema_change='append_new_columns',
) }}

{%- set flags = {
    'has_broadband': "product_type = 'broadband'",
    'has_family_plan': "product_type = 'family'",
    'has_converged_bundle': "product_type = 'converged'",
    'has_vnet': "product_type = 'vnet'",
    'has_contract': "product_type = 'contract'",
    'has_benefits_membership': "product_type = 'benefits'",
    'has_vas': "product_type = 'vas'",
    'has_data_pack': "product_type = 'data_pack'",
    'has_intl_call_pack': "product_type = 'intl_call'",
    'has_5g_plan': "product_type in ('plan', 'converged') and network = '5g'",
} -%}

with

holdings as (

    select * from {{ ref('int_product_holdings_spanned') }}

),

snapshots as (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}
    where {{ lifecycle_window_filter('snapshot_month') }}

),

month_ends as (

    select distinct
        snapshot_month as holding_month,
        cast({{ dbt.last_day('snapshot_month', 'month') }} as date) as month_end_date

    from snapshots

),

held as (

    select
        holdings.subscriber_id,
        month_ends.holding_month,
        holdings.product_type,
        holdings.network,
        holdings.expire_date

    from holdings
    inner join month_ends
        on
            holdings.held_from_date <= month_ends.month_end_date
            and holdings.held_until_date > month_ends.month_end_date

),

final as (

    select
        subscriber_id,
        holding_month,
        {%- for flag, condition in flags.items() %}
        max(case when {{ condition }} then 1 else 0 end) = 1 as {{ flag }},
        {%- endfor %}
        max(case when product_type = 'contract' then expire_date end) as contract_end_date

    from held
    group by subscriber_id, holding_month

)

select * from final
{{ stored_in_month_order('holding_month') }}
