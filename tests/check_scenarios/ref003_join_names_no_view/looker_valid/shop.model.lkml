connection: "shop"
include: "/shop/*.view.lkml"
explore: store_orders {
  join: again {
    from: store_orders
    relationship: one_to_one
    sql_on: ${store_orders.id} = ${again.id} ;;
  }
}
explore: orders_alias {
  view_name: store_orders
}
