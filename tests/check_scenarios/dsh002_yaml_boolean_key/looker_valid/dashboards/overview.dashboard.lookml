- dashboard: overview
  title: Overview
  layout: newspaper
  filters:
  - name: Date
    title: Date
    type: date_filter
    default_value: 7 days
  elements:
  - name: events_by_day
    title: Events by day
    model: m
    explore: logs
    type: looker_line
    fields: [logs.event_date, logs.count]
    sorts: [logs.event_date desc]
    listen:
      Date: logs.event_date
  - name: events_by_name
    title: Events by name
    model: m
    explore: logs
    type: looker_bar
    fields: [logs.event_name, logs.count]
    sorts: [logs.count desc]
    show_value_labels: true
    series_colors:
      2024: "#1f77b4"
      "true": "#ff7f0e"
    hidden_fields: []
    stacking: ''
    series_colors:
      logs.count: "#1f77b4"
    listen:
      Date: logs.event_date
