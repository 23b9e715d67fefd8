connection: "bq"
include: "/views/*.view.lkml"
explore: orders {}
