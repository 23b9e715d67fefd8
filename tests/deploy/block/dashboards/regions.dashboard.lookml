- dashboard: regions
  title: CloudTrail by region
  preferred_slug: ct-test-regions
  layout: newspaper
  elements:
  - name: by_region
    title: Events by region
    type: looker_bar
    model: cloudtrail
    explore: events
    fields: [events.aws_region, events.count]
    sorts: [events.count desc]
    row: 0
    col: 0
    width: 24
    height: 8
