{#- The exclusion reasons of campaign_exclusions in their order of precedence: a candidate
    that breaks several rules is excluded for the first. The first seven are the contact
    policy (int_campaign_candidates_screened), then arbitration (a higher campaign won the
    subscriber this month) and channel capacity (int_campaign_candidates_arbitrated). -#}
{% macro campaign_exclusion_reasons() -%}
    {{ return([
        'no_consent',
        'dnd',
        'fraud_risk',
        'complaint_cooloff',
        'holds_product',
        'channel_cap',
        'total_cap',
        'arbitration',
        'channel_capacity',
    ]) }}
{%- endmacro %}
