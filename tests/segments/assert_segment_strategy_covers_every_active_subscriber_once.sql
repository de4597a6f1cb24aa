-- Every active or suspended subscriber of a month has exactly one segment row with a strategy
-- (the months a build writes; every month on --full-refresh).
with

subscribers as (

    select
        report_month,
        count(*) as active_subscribers
    from {{ ref('fct_subscriber_months') }}
    where status in ('active', 'suspended') and {{ lifecycle_test_window_filter('report_month') }}
    group by report_month

),

segments as (

    select
        segment_month,
        count(*) as segment_rows,
        count(distinct subscriber_key) as segmented_subscribers,
        sum(case when strategy_code is null then 1 else 0 end) as rows_without_strategy
    from {{ ref('segment_strategy') }}
    where {{ lifecycle_test_window_filter('segment_month') }}
    group by segment_month

),

final as (

    select
        subscribers.report_month,
        subscribers.active_subscribers,
        segments.segment_rows,
        segments.segmented_subscribers,
        segments.rows_without_strategy
    from subscribers
    left join segments on subscribers.report_month = segments.segment_month
    where
        segments.segment_rows is null
        or segments.segment_rows <> subscribers.active_subscribers
        or segments.segmented_subscribers <> subscribers.active_subscribers
        or segments.rows_without_strategy > 0

)

select * from final
