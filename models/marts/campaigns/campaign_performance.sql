{#- The closed loop (闭环评估): the targets of each campaign month joined to the contacts
    and product orders of that month, per campaign, channel and segment, with rollups
    ('all') over channel, segment and both.

    A target counts as contacted when it got an outbound contact in the campaign month for
    the campaign's product (or carrying the campaign's id), responded when such a contact
    had a response outcome (var campaign_response_outcomes), converted when it ordered the
    product (subscribe or change_plan) in the campaign month.

    Uplift over control (提升度), two ways:
      itt_uplift: all treatment against all control (intention to treat): unbiased when
        the channels dispatch only the treatment group, diluted by targets never reached;
      uplift: treatment targets contacted against control targets not contacted (per
        protocol): the effect of a contact; it assumes being reached is unrelated to
        converting. A contacted control target is a holdout breach (control_contacted).
    Each with a confidence interval (normal approximation, z = var campaign_uplift_z).
    Lift over the natural rate (自然转化率): the conversion rate of the treatment group
    (lift_over_natural) and of its contacted targets (contacted_lift_over_natural) over
    that of the month's base that was neither a target of the campaign nor contacted for
    its product. A campaign month is measured once its month has landed (campaign_month
    up to as_of_month); incremental by month. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

with

targets as (

    select * from {{ ref('campaign_targets') }}
    where {{ lifecycle_window_filter('campaign_month') }}

),

subscriber_keys as (

    select distinct
        subscriber_id,
        subscriber_key
    from {{ ref('int_subscriber_months_spined') }}
    where {{ lifecycle_window_filter('report_month', lookback_months=1) }}

),

segments as (

    select * from {{ ref('segment_strategy') }}
    where {{ lifecycle_window_filter('segment_month', lookback_months=1) }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

campaign_months as (

    select distinct
        targets.campaign_month,
        targets.tag_month,
        targets.campaign_id,
        campaigns.product_id
    from targets
    inner join campaigns on targets.campaign_id = campaigns.campaign_id

),

contacts as (

    select
        subscriber_keys.subscriber_key,
        cast(contacts.contact_month as date) as contact_month,
        contacts.campaign_id,
        contacts.product_id,
        contacts.outcome
    from {{ ref('stg_marketing__contacts') }} as contacts
    inner join subscriber_keys on contacts.subscriber_id = subscriber_keys.subscriber_id
    where
        contacts.direction = 'outbound'
        and {{ lifecycle_window_filter('contacts.contact_month') }}

),

orders as (

    select
        subscriber_keys.subscriber_key,
        cast(orders.order_month as date) as order_month,
        orders.product_id
    from {{ ref('stg_orders__product_orders') }} as orders
    inner join subscriber_keys on orders.subscriber_id = subscriber_keys.subscriber_id
    where
        orders.order_action in ('subscribe', 'change_plan')
        and {{ lifecycle_window_filter('orders.order_month') }}

),

campaign_contacts as (

    select
        campaign_months.campaign_month,
        campaign_months.campaign_id,
        contacts.subscriber_key,
        max(case when contacts.outcome in {{ campaign_response_outcomes() }} then 1 else 0 end) as has_responded
    from campaign_months
    inner join contacts
        on
            campaign_months.campaign_month = contacts.contact_month
            and (
                campaign_months.product_id = contacts.product_id
                or campaign_months.campaign_id = contacts.campaign_id
            )
    group by campaign_months.campaign_month, campaign_months.campaign_id, contacts.subscriber_key

),

campaign_orders as (

    select distinct
        campaign_months.campaign_month,
        campaign_months.campaign_id,
        orders.subscriber_key
    from campaign_months
    inner join orders
        on
            campaign_months.campaign_month = orders.order_month
            and campaign_months.product_id = orders.product_id

),

target_outcomes as (

    select
        targets.campaign_month,
        targets.campaign_id,
        targets.channel_code,
        coalesce(targets.segment_code, 'unknown') as segment_code,
        targets.target_group,
        case when campaign_contacts.subscriber_key is not null then 1 else 0 end as is_contacted,
        coalesce(campaign_contacts.has_responded, 0) as is_responded,
        case when campaign_orders.subscriber_key is not null then 1 else 0 end as is_converted
    from targets
    left join campaign_contacts
        on
            targets.campaign_month = campaign_contacts.campaign_month
            and targets.campaign_id = campaign_contacts.campaign_id
            and targets.subscriber_key = campaign_contacts.subscriber_key
    left join campaign_orders
        on
            targets.campaign_month = campaign_orders.campaign_month
            and targets.campaign_id = campaign_orders.campaign_id
            and targets.subscriber_key = campaign_orders.subscriber_key

),

measured as (

    select
        campaign_month,
        campaign_id,
        case when grouping(channel_code) = 1 then 'all' else channel_code end as channel_code,
        case when grouping(segment_code) = 1 then 'all' else segment_code end as segment_code,
        sum(case when target_group = 'treatment' then 1 else 0 end) as treatment_targets,
        sum(case when target_group = 'treatment' then is_contacted else 0 end) as treatment_contacted,
        sum(case when target_group = 'treatment' then is_responded else 0 end) as treatment_responded,
        sum(case when target_group = 'treatment' then is_converted else 0 end) as treatment_converted,
        sum(case when target_group = 'treatment' then is_contacted * is_converted else 0 end) as contacted_converted,
        sum(case when target_group = 'control' then 1 else 0 end) as control_targets,
        sum(case when target_group = 'control' then is_contacted else 0 end) as control_contacted,
        sum(case when target_group = 'control' then is_converted else 0 end) as control_converted,
        sum(case when target_group = 'control' then (1 - is_contacted) * is_converted else 0 end)
            as uncontacted_control_converted
    from target_outcomes
    group by grouping sets (
        (campaign_month, campaign_id),
        (campaign_month, campaign_id, channel_code),
        (campaign_month, campaign_id, segment_code),
        (campaign_month, campaign_id, channel_code, segment_code)
    )

),

base_counts as (

    select
        campaign_months.campaign_month,
        campaign_months.campaign_id,
        case when grouping(segments.strategy_code) = 1 then 'all' else segments.strategy_code end as segment_code,
        count(*) as base_subscribers
    from campaign_months
    inner join segments on campaign_months.tag_month = segments.segment_month
    group by grouping sets (
        (campaign_months.campaign_month, campaign_months.campaign_id),
        (campaign_months.campaign_month, campaign_months.campaign_id, segments.strategy_code)
    )

),

non_target_outcomes as (

    -- subscribers the campaign did not target, contacted for its product or ordering it:
    -- the natural (organic) rate is that of the ones not contacted
    select
        coalesce(campaign_contacts.campaign_month, campaign_orders.campaign_month) as campaign_month,
        coalesce(campaign_contacts.campaign_id, campaign_orders.campaign_id) as campaign_id,
        coalesce(campaign_contacts.subscriber_key, campaign_orders.subscriber_key) as subscriber_key,
        case when campaign_contacts.subscriber_key is not null then 1 else 0 end as is_contacted,
        case when campaign_orders.subscriber_key is not null then 1 else 0 end as is_converted
    from campaign_contacts
    full outer join campaign_orders
        on
            campaign_contacts.campaign_month = campaign_orders.campaign_month
            and campaign_contacts.campaign_id = campaign_orders.campaign_id
            and campaign_contacts.subscriber_key = campaign_orders.subscriber_key

),

natural_counts as (

    select
        non_target_outcomes.campaign_month,
        non_target_outcomes.campaign_id,
        case when grouping(segments.strategy_code) = 1 then 'all' else segments.strategy_code end as segment_code,
        sum(non_target_outcomes.is_contacted) as non_target_contacted,
        sum((1 - non_target_outcomes.is_contacted) * non_target_outcomes.is_converted) as natural_converted
    from non_target_outcomes
    inner join segments
        on
            non_target_outcomes.subscriber_key = segments.subscriber_key
            and cast({{ dbt.dateadd('month', -1, 'non_target_outcomes.campaign_month') }} as date)
            = segments.segment_month
    left join targets
        on
            non_target_outcomes.campaign_month = targets.campaign_month
            and non_target_outcomes.campaign_id = targets.campaign_id
            and non_target_outcomes.subscriber_key = targets.subscriber_key
    where targets.subscriber_key is null
    group by grouping sets (
        (non_target_outcomes.campaign_month, non_target_outcomes.campaign_id),
        (non_target_outcomes.campaign_month, non_target_outcomes.campaign_id, segments.strategy_code)
    )

),

target_counts as (

    select
        campaign_month,
        campaign_id,
        segment_code,
        treatment_targets + control_targets as targets
    from measured
    where channel_code = 'all'

),

naturals as (

    select
        base_counts.campaign_month,
        base_counts.campaign_id,
        base_counts.segment_code,
        base_counts.base_subscribers
        - coalesce(target_counts.targets, 0)
        - coalesce(natural_counts.non_target_contacted, 0) as natural_subscribers,
        coalesce(natural_counts.natural_converted, 0) as natural_converted
    from base_counts
    left join target_counts
        on
            base_counts.campaign_month = target_counts.campaign_month
            and base_counts.campaign_id = target_counts.campaign_id
            and base_counts.segment_code = target_counts.segment_code
    left join natural_counts
        on
            base_counts.campaign_month = natural_counts.campaign_month
            and base_counts.campaign_id = natural_counts.campaign_id
            and base_counts.segment_code = natural_counts.segment_code

),

rated as (

    select
        measured.*,
        measured.control_targets - measured.control_contacted as uncontacted_control_targets,
        naturals.natural_subscribers,
        naturals.natural_converted,
        {{ lifecycle_share('measured.treatment_responded', 'measured.treatment_contacted') }} as response_rate,
        {{ lifecycle_share('measured.treatment_converted', 'measured.treatment_targets') }}
            as treatment_conversion_rate,
        {{ lifecycle_share('measured.control_converted', 'measured.control_targets') }} as control_conversion_rate,
        {{ lifecycle_share('measured.contacted_converted', 'measured.treatment_contacted') }}
            as contacted_conversion_rate,
        {{ lifecycle_share(
            'measured.uncontacted_control_converted', 'measured.control_targets - measured.control_contacted'
        ) }} as uncontacted_control_conversion_rate,
        {{ lifecycle_share('naturals.natural_converted', 'naturals.natural_subscribers') }} as natural_conversion_rate
    from measured
    left join naturals
        on
            measured.campaign_month = naturals.campaign_month
            and measured.campaign_id = naturals.campaign_id
            and measured.segment_code = naturals.segment_code

),

final as (

    select
        campaign_month,
        campaign_id,
        channel_code,
        segment_code,
        cast(treatment_targets as {{ dbt.type_int() }}) as treatment_targets,
        cast(treatment_contacted as {{ dbt.type_int() }}) as treatment_contacted,
        cast(treatment_responded as {{ dbt.type_int() }}) as treatment_responded,
        cast(treatment_converted as {{ dbt.type_int() }}) as treatment_converted,
        cast(contacted_converted as {{ dbt.type_int() }}) as contacted_converted,
        cast(control_targets as {{ dbt.type_int() }}) as control_targets,
        cast(control_contacted as {{ dbt.type_int() }}) as control_contacted,
        cast(control_converted as {{ dbt.type_int() }}) as control_converted,
        cast(uncontacted_control_targets as {{ dbt.type_int() }}) as uncontacted_control_targets,
        cast(uncontacted_control_converted as {{ dbt.type_int() }}) as uncontacted_control_converted,
        cast(natural_subscribers as {{ dbt.type_int() }}) as natural_subscribers,
        cast(natural_converted as {{ dbt.type_int() }}) as natural_converted,
        response_rate,
        treatment_conversion_rate,
        control_conversion_rate,
        cast(treatment_conversion_rate - control_conversion_rate as {{ share_type() }}) as itt_uplift,
        {{ uplift_interval(
            'treatment_conversion_rate', 'treatment_targets', 'control_conversion_rate', 'control_targets', 'low'
        ) }} as itt_uplift_ci_low,
        {{ uplift_interval(
            'treatment_conversion_rate', 'treatment_targets', 'control_conversion_rate', 'control_targets', 'high'
        ) }} as itt_uplift_ci_high,
        contacted_conversion_rate,
        uncontacted_control_conversion_rate,
        cast(contacted_conversion_rate - uncontacted_control_conversion_rate as {{ share_type() }}) as uplift,
        {{ uplift_interval(
            'contacted_conversion_rate', 'treatment_contacted',
            'uncontacted_control_conversion_rate', 'uncontacted_control_targets', 'low'
        ) }} as uplift_ci_low,
        {{ uplift_interval(
            'contacted_conversion_rate', 'treatment_contacted',
            'uncontacted_control_conversion_rate', 'uncontacted_control_targets', 'high'
        ) }} as uplift_ci_high,
        natural_conversion_rate,
        {{ lifecycle_share('treatment_conversion_rate', 'natural_conversion_rate') }} as lift_over_natural,
        {{ lifecycle_share('contacted_conversion_rate', 'natural_conversion_rate') }} as contacted_lift_over_natural
    from rated

)

select * from final
