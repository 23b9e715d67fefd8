- dashboard: overview
  title: Overview
  layout: newspaper
  filters:
  - name: Date
    title: Date
    type: date_filter
    default_value: 7 days
  - name: Event
    title: Event
    type: field_filter
    model: m
    explore: logs
    field: logs.event_nme  # expect: REF009
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
