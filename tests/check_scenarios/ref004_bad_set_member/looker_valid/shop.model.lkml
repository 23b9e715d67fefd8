connection: "shop"
include: "/shop/*.view.lkml"
explore: store_orders {}
