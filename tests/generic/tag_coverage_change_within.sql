{#- A tag whose coverage moved more than var tag_coverage_warn_relative_change (share of
    its previous coverage) and more than tag_coverage_warn_min_change (absolute) from one
    month to the next. Set as a warning: a broken upstream often shows here first, but a
    real campaign can move a tag too. Tags registered with monitored: false are skipped. -#}
{% test tag_coverage_change_within(model) %}

select
    tag_code,
    tag_month,
    previous_coverage,
    coverage,
    coverage_change
from {{ model }}
where
    is_monitored
    and previous_coverage is not null
    and abs(coverage_change) > {{ var('tag_coverage_warn_min_change') }}
    and abs(coverage_change) > {{ var('tag_coverage_warn_relative_change') }} * previous_coverage

{% endtest %}
