connection: "shop"
include: "/shop/*.view.lkml"
explore: store_orders {
  fields: [ALL_FIELDS*, -store_orders.amount]
  always_filter: {
    filters: [store_orders.created_date: "30 days"]
  }
  # a bare name names a field of the explore's base view (as a production Snowplow block does)
  access_filter: {
    field: status
    user_attribute: order_status
  }
}
