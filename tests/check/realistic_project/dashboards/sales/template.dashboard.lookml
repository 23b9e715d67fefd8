- dashboard: regional_template
  title: Regional template
  extension: required
  layout: newspaper
  filters:
  - name: Region
    title: Region
    type: field_filter
    explore: orders
    field: orders.region
  elements:
  - name: regional_revenue
    title: Revenue
    explore: orders
    type: single_value
    fields: [orders.total_revenue]
    listen:
      Region: orders.region
    row: 0
    col: 0
    width: 8
    height: 4
  - name: regional_orders
    title: Orders
    explore: orders
    type: looker_bar
    fields: [orders.created_week, orders.count]
    sorts: [orders.created_week desc]
    listen:
      Region: orders.region
    row: 0
    col: 8
    width: 16
    height: 4
