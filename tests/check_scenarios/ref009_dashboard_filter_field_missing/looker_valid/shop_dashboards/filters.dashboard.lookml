- dashboard: filters_only
  title: Filters
  layout: newspaper
  filters:
  - name: Status
    type: field_filter
    explore: store_orders
    field: store_orders.status
    default_value: complete
  elements: []
