- dashboard: sg_changes
  title: Security Group Changes
  layout: newspaper
  preferred_slug: test_sg_changes
  filters:
  - name: date
    title: Date
    type: date_filter
    default_value: 1 days
  elements: []
