{#- Dispatch list of the store channel: see macros/campaigns/campaign_dispatch_list.sql. -#}
{{ config(materialized='table') }}

{{ campaign_dispatch_list('store') }}
