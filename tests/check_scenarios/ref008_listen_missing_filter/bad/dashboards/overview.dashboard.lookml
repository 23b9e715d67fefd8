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
      Day: logs.event_date  # expect: REF008
