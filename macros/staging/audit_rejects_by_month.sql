{#- An audit model of a monthly landing table: the rows its base model rejected, with
    audit_partition (the month as text, 'undated' without a readable month). Incremental
    like the roll-ups (the caller configures delete+insert on audit_partition): a build
    replaces the months it writes, every later month and the undated rows, so a monthly
    run judges two months again instead of the whole history. -#}
{% macro audit_rejects_by_month(judged_relation, month_column) -%}
{%- set first_written_month = lifecycle_first_written_month() -%}
{%- if execute and is_incremental() -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'audit_partition' not in stored_columns -%}
        {{ exceptions.raise_compiler_error(this ~ " was stored as a whole table before it became incremental by "
            ~ "month: rebuild it once with --full-refresh (subops run --full-refresh)") }}
    {%- endif -%}
{%- endif %}
with

judged as (

    select * from {{ judged_relation }}
    where
        reject_reason is not null
        {%- if first_written_month is not none %}
        and ({{ month_column }} is null or {{ month_column }} >= {{ first_written_month }})
        {%- endif %}

),

final as (

    select
        judged.*,
        {{ landing_month_partition('judged.' ~ month_column) }} as audit_partition
    from judged

)

select * from final
{{ stored_in_month_order('audit_partition') }}
{%- endmacro %}
