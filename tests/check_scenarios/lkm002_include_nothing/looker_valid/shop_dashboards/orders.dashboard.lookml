- dashboard: store_orders
  title: Orders
  layout: newspaper
  elements:
  - name: by_status
    explore: store_orders
    type: looker_bar
    fields: [store_orders.status, store_orders.count]
