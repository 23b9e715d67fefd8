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
    series_colors:
      logs.count: "#1f77b4"
    show_view_names: false
  - name: top_events
    title: Top events
    model: m
    explore: logs
    type: looker_grid
    fields: [logs.event_name, logs.count]
    sorts: [logs.count desc]
    limit: 10
    listen:
      Date: logs.event_date
    show_totals: true
    show_row_numbers: true
  - name: events_total
    title: Events
    model: m
    explore: logs
    type: single_value
    fields: [logs.count]
    listen:
      Date: logs.event_date
    width: 8
    show_single_value_title: true
