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
  dimension: buyer_id {
    sql: ${TABLE}.buyer_id ;;
  }
  dimension: buyer_name {
    sql: ${buyer.name} ;;
  }
  dimension: from_table {
    sql: (SELECT MAX(id) FROM ${store_orders.SQL_TABLE_NAME}) ;;
  }
  dimension: raw_amount {
    sql: ${amount._sql} ;;
  }
  measure: statuses {
    type: list
    list_field: status
  }
  measure: count {
    type: count
  }
  measure: total {
    type: sum
    sql: ${amount} ;;
  }
}
