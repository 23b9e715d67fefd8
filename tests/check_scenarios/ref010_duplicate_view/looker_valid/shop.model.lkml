connection: "shop"
include: "/shop/*.view.lkml"
explore: preview {}
