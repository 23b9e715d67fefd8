connection: "shop"
include: "/shop/*.view.lkml"
explore: store_orders {}
test: totals_positive {
  explore_source: store_orders {
    column: total {}
    filters: [store_orders.created_date: "30 days"]
  }
  assert: total_not_negative {
    expression: ${store_orders.total} >= 0 ;;
  }
}
