connection: "shop"
include: "/shop/*.view.lkml"
include: "/shop_dashboards/*.dashboard"
explore: store_orders {}
