{#- Staging's validity rules, in one place per landing table.

    `checks` is an ordered list of {reason, rule, when}: `when` is true for a row that
    breaks the rule. A row gets the first rule it breaks, as '<reason>:<rule>' (so one
    scan evaluates each condition once); null means the row passed every rule.
    Reason codes: null_key, orphan_subscriber, invalid_value, unknown_code,
    malformed_msisdn, negative_amount, fee_mismatch, future_date (and duplicate_key,
    given by dedup_rejects). -#}
{% macro reject_check(checks) -%}
    case
        {%- for check in checks %}
        when {{ check.when }} then '{{ check.reason }}:{{ check.rule }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- Cast a column to its contract type, null where the value does not fit. -#}
{% macro cast_failed(column, type) -%}
    ({{ column }} is not null and {{ dbt.safe_cast(column, type) }} is null)
{%- endmacro %}

{#- One check per listed column that did not fit its contract type. -#}
{% macro invalid_value_checks(typed_columns) -%}
    {%- set checks = [] -%}
    {%- for column, type in typed_columns.items() -%}
        {%- do checks.append({
            'reason': 'invalid_value',
            'rule': column ~ '_is_' ~ (type.split('(')[0] | replace(' ', '_')),
            'when': cast_failed(column, type),
        }) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#- Rank of a row among the rows that share its key and its validity: 1 for the row
    staging keeps, the one from the latest landing file (a re-delivery replaces an
    earlier one), then the first by `tie_break`. Valid rows ranked above 1 are
    duplicates; see reject_columns. -#}
{% macro duplicate_rank(key_columns, tie_break, reject_check='reject_check') -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}, {{ reject_check }} is null
        order by _landing_file desc, {{ tie_break | join(' nulls last, ') }} nulls last
    )
{%- endmacro %}

{#- The final verdict of a row: its first broken rule, else duplicate_key for a valid
    row that lost the dedup (rank > 1), else null. Split into reject_reason and reject_rule.
    rank=none judges the row-level rules only (daily usage dedups separately). -#}
{% macro reject_columns(reject_check='reject_check', rank='duplicate_rank') -%}
    {%- set verdict -%}
        case
            when {{ reject_check }} is not null then {{ reject_check }}
            {%- if rank %}
            when {{ rank }} > 1 then 'duplicate_key:key_is_unique'
            {%- endif %}
        end
    {%- endset -%}
    {{ dbt.split_part(verdict, "':'", 1) }} as reject_reason,
    {{ dbt.split_part(verdict, "':'", 2) }} as reject_rule
{%- endmacro %}
