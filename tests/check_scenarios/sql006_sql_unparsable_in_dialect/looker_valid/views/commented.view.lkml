# A derived table whose SQL ends with a line comment, read by another derived table through
# ${recent_orders.SQL_TABLE_NAME}: Looker closes the subquery on a line of its own.
view: recent_orders {
  derived_table: {
    sql: SELECT id, user_id FROM `shop.sales.orders`
      WHERE created_at >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 7 DAY)
      -- older orders are archived elsewhere
      ;;
  }
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
}
view: recent_buyers {
  derived_table: {
    sql: SELECT user_id, COUNT(*) AS orders FROM ${recent_orders.SQL_TABLE_NAME} GROUP BY 1 ;;
  }
  dimension: user_id {
    primary_key: yes
    sql: ${TABLE}.user_id ;;
  }
}
