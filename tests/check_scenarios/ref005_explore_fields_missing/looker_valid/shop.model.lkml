connection: "shop"
include: "/shop/*.view.lkml"
explore: store_orders {
  fields: [ALL_FIELDS*, -store_orders.amount]
  always_filter: {
    filters: [store_orders.created_date: "30 days"]
  }
}
