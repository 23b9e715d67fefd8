view: store_orders {
  sql_table_name: shop.orders ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: status {
    sql: ${TABLE}.status ;;
  }
  dimension: amount {
    type: number
    sql: ${TABLE}.amount ;;
  }
  dimension_group: created {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.created_at ;;
  }
  set: detail {
    fields: [id, status, created_date]
  }
  set: all {
    fields: [detail*, amount]
  }
  measure: count {
    type: count
    drill_fields: [detail*, store_orders.amount, created_month]
  }
  measure: total {
    type: sum
    sql: ${amount} ;;
  }
}
