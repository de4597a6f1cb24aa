{#- Dispatch list of the app_push channel: see macros/campaigns/campaign_dispatch_list.sql. -#}
{{ config(materialized='table') }}

{{ campaign_dispatch_list('app_push') }}
