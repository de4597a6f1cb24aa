{#- Share of a landing table that staging rejected, in basis points: above the var
    reject_warn_share the build warns, above reject_error_share it fails. -#}
{% test reject_share_within(model, landing) %}

{{ config(
    fail_calc='coalesce(max(reject_share_bp), 0)',
    warn_if='>' ~ (var('reject_warn_share') * 10000) | int,
    error_if='>' ~ (var('reject_error_share') * 10000) | int,
) }}

with counts as (

    select
        (select count(*) from {{ model }}) as rejected_rows,
        (select count(*) from {{ landing }}) as landing_rows

)

select
    rejected_rows,
    landing_rows,
    ceil(10000.0 * rejected_rows / landing_rows) as reject_share_bp
from counts
where rejected_rows > 0

{% endtest %}
