{#- Every card of the scorecard seed must score every feature of churn_features exactly
    once: one base row; per feature one missing bin and value bins that tile the number line
    (the first open below, the last open above, each starting where the one before ends).
    A feature in the macro without bins, bins for a feature that is gone, or a card named by
    var churn_scorecard that does not exist fail here rather than scoring silently short.
    Returns the offending cards and features. -#}
with

scorecard as (

    select * from {{ ref('churn_scorecard') }}

),

cards as (

    select distinct scorecard_name from scorecard
    union
    select '{{ var('churn_scorecard') }}' as scorecard_name

),

features as (

    {%- for feature in churn_features() %}
    select '{{ feature }}' as feature_name
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

expected as (

    select
        cards.scorecard_name,
        features.feature_name
    from cards
    cross join features

),

value_bins as (

    select
        scorecard_name,
        feature_name,
        bin_number,
        lower_bound,
        upper_bound,
        lag(upper_bound) over (partition by scorecard_name, feature_name order by bin_number) as previous_upper_bound,
        row_number() over (partition by scorecard_name, feature_name order by bin_number) as bin_rank,
        count(*) over (partition by scorecard_name, feature_name) as bins
    from scorecard
    where not is_missing_bin and feature_name <> '(base)'

),

broken_tiling as (

    select distinct
        scorecard_name,
        feature_name,
        'value bins do not tile the number line' as problem
    from value_bins
    where
        (bin_rank = 1 and lower_bound is not null)
        or (bin_rank = bins and upper_bound is not null)
        or (
            bin_rank > 1
            and (lower_bound is null or previous_upper_bound is null or lower_bound <> previous_upper_bound)
        )

),

missing_bins as (

    select
        expected.scorecard_name,
        expected.feature_name,
        'not exactly one missing bin' as problem
    from expected
    left join scorecard
        on
            expected.scorecard_name = scorecard.scorecard_name
            and expected.feature_name = scorecard.feature_name
            and scorecard.is_missing_bin
    group by expected.scorecard_name, expected.feature_name
    having count(scorecard.feature_name) <> 1

),

unscored_features as (

    select distinct
        expected.scorecard_name,
        expected.feature_name,
        'feature has no value bins' as problem
    from expected
    left join value_bins
        on
            expected.scorecard_name = value_bins.scorecard_name
            and expected.feature_name = value_bins.feature_name
    where value_bins.feature_name is null

),

unknown_features as (

    select distinct
        scorecard.scorecard_name,
        scorecard.feature_name,
        'not a feature of churn_features()' as problem
    from scorecard
    left join features on scorecard.feature_name = features.feature_name
    where features.feature_name is null and scorecard.feature_name <> '(base)'

),

base_rows as (

    select
        cards.scorecard_name,
        '(base)' as feature_name,
        'not exactly one base row' as problem
    from cards
    left join scorecard
        on cards.scorecard_name = scorecard.scorecard_name and scorecard.feature_name = '(base)'
    group by cards.scorecard_name
    having count(scorecard.feature_name) <> 1

)

select * from broken_tiling
union all
select * from missing_bins
union all
select * from unscored_features
union all
select * from unknown_features
union all
select * from base_rows
