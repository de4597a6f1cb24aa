{#- Every scored row found exactly one bin per feature (a value falling between bins, or in
    two, would change scored_features). -#}
select
    subscriber_key,
    report_month,
    scored_features
from {{ ref('churn_scores') }}
where scored_features <> {{ churn_features() | length }}
