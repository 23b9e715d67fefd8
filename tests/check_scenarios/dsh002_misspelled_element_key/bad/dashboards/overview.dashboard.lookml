- dashboard: overview
  title: Overview
  layout: newspaper
  filters:
  - name: Date
    title: Date
    type: date_filter
    defualt_value: 7 days  # expect: DSH002
  elements:
  - name: events_by_day  # expect: ATH503
    title: Events by day
    model: m
    explore: logs
    type: looker_line
    fields: [logs.event_date, logs.count]
    sorts: [logs.event_date desc]
    lisen:  # expect: DSH002
      Date: logs.event_date
  - name: top_events  # expect: ATH503
    title: Top events
    model: m
    explore: logs
    type: looker_grid
    fields: [logs.event_name, logs.count]
    sorts: [logs.count desc]
    limit: 10
    listen_to:  # expect: DSH002
      Date: logs.event_date
  - name: events_total
    title: Events
    model: m
    explore: logs
    type: single_value
    fields: [logs.count]
    listen:
      Date: logs.event_date
    widht: 8  # expect: DSH002
    show_single_value_title: true
