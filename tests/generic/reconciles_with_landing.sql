{#- Nothing lost in staging: every landed row is either valid (in `model`) or
    quarantined with a reason (in `audit`). -#}
{% test reconciles_with_landing(model, landing, audit) %}

with counts as (

    select
        (select count(*) from {{ landing }}) as landing_rows,
        (select count(*) from {{ model }}) as valid_rows,
        (select count(*) from {{ audit }}) as rejected_rows

)

select * from counts
where landing_rows <> valid_rows + rejected_rows

{% endtest %}
