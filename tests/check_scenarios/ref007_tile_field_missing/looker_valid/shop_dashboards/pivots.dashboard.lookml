- dashboard: pivots
  title: Pivots
  layout: newspaper
  elements:
  - name: by_month
    explore: store_orders
    type: looker_column
    fields: [store_orders.created_month, store_orders.status, store_orders.total, store_orders.count]
    pivots: [store_orders.status]
    sorts: [store_orders.status desc 0, store_orders.created_month, count 0]
    dynamic_fields:
    - table_calculation: per_order
      label: Per order
      expression: "${store_orders.total} / ${store_orders.count}"
    hidden_fields: [per_order]
