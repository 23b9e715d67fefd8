- dashboard: filter_values
  title: Filter values
  layout: newspaper
  elements:
  - name: values
    explore: store_orders
    type: looker_grid
    fields: [store_orders.status, store_orders.count]
    filters:
      store_orders.status: "-EMPTY,-NULL,%pend%"
      store_orders.amount: "[0, 100],>=1000"
      store_orders.created_date: "last 7 days"
