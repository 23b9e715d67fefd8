connection: "shop"
include: "/shop/*.view.lkml"
explore: store_orders {
  sql_always_where: ${status} != 'test' ;;
  join: buyer {
    from: buyers
    relationship: many_to_one
    sql_on: ${store_orders.buyer_id} = ${buyer.id} ;;
  }
}
