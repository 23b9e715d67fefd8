connection: "bq_sales"
label: "Sales"

include: "/views/sales/*.view.lkml"
include: "/views/shared/*.view"
include: "/dashboards/sales/*"
include: "//ga360/views/ga_sessions.view"

datagroup: nightly {
  sql_trigger: SELECT CURRENT_DATE('America/New_York') ;;
  max_cache_age: "24 hours"
}

persist_with: nightly

explore: orders {
  label: "Orders"
  # A bare ${field} names a field of the explore's base view.
  sql_always_where: ${status} != 'test' AND {% condition orders.region_filter %} ${region} {% endcondition %} ;;
  always_filter: {
    filters: [orders.created_date: "90 days"]
  }
  access_filter: {
    field: orders.region
    user_attribute: sales_region
  }

  join: buyer {
    from: users
    type: left_outer
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${buyer.id} ;;
  }

  join: order_items {
    type: left_outer
    relationship: one_to_many
    sql_on: ${orders.id} = ${order_items.order_id} ;;
  }

  join: preview {
    relationship: one_to_one
    sql_on: ${orders.id} = ${preview.order_id} ;;
  }

  join: order_facts {
    relationship: one_to_one
    sql_on: ${buyer.id} = ${order_facts.user_id} ;;
  }
}

explore: daily_sales {
  label: "Daily sales"
}

# The sessions view comes from the ga360 dependency (refined in this project).
explore: ga_sessions {
  label: "Sessions"
  join: buyer {
    from: users
    relationship: many_to_one
    sql_on: ${ga_sessions.user_id} = ${buyer.id} ;;
  }
}
