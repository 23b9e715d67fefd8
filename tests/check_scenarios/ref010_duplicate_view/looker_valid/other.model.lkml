connection: "shop"
include: "/other/*.view.lkml"
explore: preview {}
