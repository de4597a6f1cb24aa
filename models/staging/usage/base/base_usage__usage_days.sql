{#- Every landed daily usage row, typed and judged by the row-level rules
    (macros/staging/usage_days_judged.sql): reject_reason is null for a valid row. Row-level
    rules only: 290M rows a year at 1M subscribers are too many for a window over every
    key, so duplicate days are found per subscriber-month afterwards
    (base_usage__usage_month_sums, base_usage__usage_day_repeats). -#}
{{ usage_days_judged() }}
