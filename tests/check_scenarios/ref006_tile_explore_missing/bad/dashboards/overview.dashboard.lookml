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
  - name: t2
    model: m
    explore: logz  # expect: REF006
    type: looker_grid
    fields: [logz.count]
    listen:
      Date: logz.event_date
  - name: t3
    model: nope  # expect: REF006
    explore: logs
    type: looker_grid
    fields: [logs.count]
