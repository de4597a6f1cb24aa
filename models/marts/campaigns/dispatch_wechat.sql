{#- Dispatch list of the wechat channel: see macros/campaigns/campaign_dispatch_list.sql. -#}
{{ config(materialized='table') }}

{{ campaign_dispatch_list('wechat') }}
