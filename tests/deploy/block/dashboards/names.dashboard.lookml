- dashboard: names
  title: CloudTrail event names
  preferred_slug: ct-test-names
  layout: newspaper
  elements:
  - name: names
    title: Event names
    type: looker_grid
    model: cloudtrail
    explore: events
    fields: [events.event_name]
    row: 0
    col: 0
    width: 24
    height: 8
