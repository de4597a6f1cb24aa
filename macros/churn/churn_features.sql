{#- The churn scorecard's features (流失预警特征): name -> SQL over one row of the lifecycle
    view (`subscriber_months`), its plan (`plans`, the products seed) and its stability
    score (`stability`). churn_features computes them, `subops churn train`
    bins every one of them, churn_scores applies the scorecard to them. Every feature is a
    number of month m or earlier (never the label's month m + 1); null where its input is
    missing, which the scorecard scores as its own bin. Adding a feature here and retraining
    is all a new feature takes. -#}
{% macro churn_features() -%}
    {{ return({
        'tenure_months': 'subscriber_months.tenure_months',
        'arpu': 'subscriber_months.total_fee',
        'arpu_baseline_change_share': 'subscriber_months.arpu_baseline_change_share',
        'mou': 'subscriber_months.voice_minutes',
        'mou_baseline_change_share': 'subscriber_months.mou_baseline_change_share',
        'dou_baseline_change_share': 'subscriber_months.dou_baseline_change_share',
        'active_days': 'subscriber_months.active_days',
        'active_days_baseline_change_share': 'subscriber_months.active_days_baseline_change_share',
        'off_net_share': churn_ratio('subscriber_months.off_net_contacts',
            'coalesce(subscriber_months.on_net_contacts, 0) + coalesce(subscriber_months.off_net_contacts, 0)'),
        'circle_size': 'subscriber_months.circle_size',
        'dropped_call_share': churn_ratio('subscriber_months.dropped_calls', 'subscriber_months.voice_calls'),
        'data_quota_use_share': churn_ratio('subscriber_months.data_mb', 'plans.data_quota_mb'),
        'roaming_minutes': 'subscriber_months.roaming_minutes',
        'vas_events': 'subscriber_months.vas_events',
        'months_to_contract_end': 'subscriber_months.months_to_contract_end',
        'inbound_contact_count': 'subscriber_months.inbound_contact_count',
        'service_contacts_per_100_yuan': churn_ratio('100 * subscriber_months.inbound_contact_count',
            'subscriber_months.total_fee'),
        'complaint_count': 'subscriber_months.complaint_count',
        'unresolved_complaint_count': 'subscriber_months.unresolved_complaint_count',
        'has_arrears': 'case when subscriber_months.has_arrears then 1 else 0 end',
        'has_broadband': 'case when subscriber_months.has_broadband then 1 else 0 end',
        'has_family_plan': 'case when subscriber_months.has_family_plan then 1 else 0 end',
        'has_converged_bundle': 'case when subscriber_months.has_converged_bundle then 1 else 0 end',
        'has_vnet': 'case when subscriber_months.has_vnet then 1 else 0 end',
        'has_contract': 'case when subscriber_months.has_contract then 1 else 0 end',
        'has_benefits_membership': 'case when subscriber_months.has_benefits_membership then 1 else 0 end',
        'has_vas': 'case when subscriber_months.has_vas then 1 else 0 end',
        'has_data_pack': 'case when subscriber_months.has_data_pack then 1 else 0 end',
        'has_intl_call_pack': 'case when subscriber_months.has_intl_call_pack then 1 else 0 end',
        'is_family_customer': "case when subscriber_months.customer_type = 'family' then 1 else 0 end",
        'stability_score': 'stability.stability_score',
    }) }}
{%- endmacro %}

{#- The number type of every feature value and of the scorecard's bin bounds: an 8-byte
    double. Ratios are divided as doubles, which IEEE 754 makes bit-identical on every
    target (an exact decimal division rounds a tie like 0.0628125 differently on DuckDB and
    Spark), and bounds are stored to the last bit, so a value falls in the same bin in SQL,
    on every target, and in the trainer. -#}
{% macro churn_feature_type() -%}
    {{ return(dbt.type_float()) }}
{%- endmacro %}

{#- numerator / denominator as a double; null when the denominator is missing or zero. -#}
{% macro churn_ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ dbt.type_float() }}) / nullif(cast({{ denominator }} as {{ dbt.type_float() }}), 0)
{%- endmacro %}

{#- Scorecard points, and their sums. -#}
{% macro churn_points_type() -%}
    decimal(12, 2)
{%- endmacro %}

{#- The score as a probability of churning next month, four decimals (enough to rank and
    calibrate; the same digits on every target). -#}
{% macro churn_probability_type() -%}
    decimal(8, 4)
{%- endmacro %}
