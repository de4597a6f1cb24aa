{#- Every landed row of a monthly landing is in its judged base model, month by month.
    The judged base models are stored incrementally by month, so a row that lands late
    for a month already built is judged only when that month is rebuilt: until then the
    month, and everything built from it, is stale. A difference names the month to
    rebuild (--vars '{as_of_month: <month>}'); set as a warning, so the month being built
    still publishes. `model` is the landing source; `partition_column` in `judged` holds
    the month as text, 'undated' for rows without a readable month. -#}
{% test judged_every_landed_row(model, month_column, judged, partition_column) %}

with

landed as (

    select
        {{ landing_month_partition(dbt.safe_cast(month_column, 'date')) }} as month_partition,
        count(*) as landed_rows
    from {{ model }}
    group by 1

),

judged as (

    select
        {{ partition_column }} as month_partition,
        count(*) as judged_rows
    from {{ judged }}
    group by 1

)

select
    coalesce(landed.month_partition, judged.month_partition) as month_partition,
    coalesce(landed.landed_rows, 0) as landed_rows,
    coalesce(judged.judged_rows, 0) as judged_rows
from landed
full outer join judged
    on landed.month_partition = judged.month_partition
where coalesce(landed.landed_rows, 0) <> coalesce(judged.judged_rows, 0)

{% endtest %}
