- dashboard: emea_sales
  title: EMEA sales
  extends: regional_template
  filters:
  - name: Region
    default_value: EMEA
  elements:
  - name: regional_orders
    title: EMEA orders by status
    fields: [orders.created_week, orders.status, orders.count]
    pivots: [orders.status]
    sorts: [orders.count desc 0]
  - name: emea_mobile
    title: Mobile sessions
    explore: ga_sessions
    type: single_value
    fields: [ga_sessions.mobile_sessions]
    row: 4
    col: 0
    width: 8
    height: 4
