- dashboard: overview
  title: CloudTrail overview
  preferred_slug: ct-test-overview
  layout: newspaper
  elements:
  - name: total_events
    title: Events
    type: single_value
    model: cloudtrail
    explore: events
    fields: [events.count]
    row: 0
    col: 0
    width: 6
    height: 4
  - name: by_name
    title: Events by name
    type: looker_bar
    model: cloudtrail
    explore: events
    fields: [events.event_name, events.count]
    sorts: [events.count desc]
    limit: 20
    row: 0
    col: 6
    width: 18
    height: 8
