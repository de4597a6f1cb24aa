{#- The dispatch list of one channel (渠道派单): the treatment targets of the campaign month
    this build plans (as_of_month + 1) whose best channel it is, with only what the channel
    system needs: the pseudonymous key, the masked msisdn (138****1234, from
    dim_subscribers), campaign, product, and when to contact (window and hours). The
    control group is never dispatched. One model per outbound marketing channel,
    dispatch_<channel>; subops publishes each as a CSV file. -#}
{% macro campaign_dispatch_list(channel_code) -%}
with

targets as (

    select * from {{ ref('campaign_targets') }}
    where
        target_group = 'treatment'
        and channel_code = '{{ channel_code }}'
        and campaign_month = {{ campaign_planned_month() }}

),

subscribers as (

    select
        subscriber_key,
        msisdn_masked
    from {{ ref('dim_subscribers') }}

),

final as (

    select
        targets.campaign_month,
        targets.subscriber_key,
        subscribers.msisdn_masked,
        targets.campaign_id,
        targets.product_id,
        targets.window_start_date,
        targets.window_end_date,
        targets.contact_from_hour,
        targets.contact_to_hour
    from targets
    left join subscribers on targets.subscriber_key = subscribers.subscriber_key

)

select * from final
{%- endmacro %}

{#- The campaign month a build plans: the month after as_of_month, as a date literal while
    dbt executes (the subquery form while it parses). -#}
{% macro campaign_planned_month() -%}
    {%- set as_of = lifecycle_as_of_date() -%}
    {%- if as_of is none -%}
        cast({{ dbt.dateadd('month', 1, as_of_month()) }} as date)
    {%- else -%}
        {{ lifecycle_month_literal(lifecycle_add_months(as_of, 1)) }}
    {%- endif -%}
{%- endmacro %}
