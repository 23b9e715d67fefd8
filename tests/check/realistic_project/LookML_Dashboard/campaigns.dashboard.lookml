- dashboard: campaign_performance
  title: Campaign performance
  layout: newspaper
  filters:
  - name: Channel
    title: Channel
    type: field_filter
    explore: campaigns
    field: campaigns.channel
  elements:
  - name: budget_by_channel
    title: Budget by channel
    explore: campaigns
    type: looker_pie
    fields: [campaigns.channel, campaigns.total_budget]
    sorts: [campaigns.total_budget desc]
    value_labels: legend
    label_type: labPer
    inner_radius: 50
    listen:
      Channel: campaigns.channel
    row: 0
    col: 0
    width: 12
    height: 6
  - name: previews
    title: Headlines
    explore: campaigns
    type: looker_grid
    fields: [campaigns.id, preview.headline, owner.name]
    row: 0
    col: 12
    width: 12
    height: 6
