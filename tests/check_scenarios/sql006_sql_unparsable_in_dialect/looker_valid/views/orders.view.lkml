view: orders {
  sql_table_name: `shop.sales.orders` ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: status {
    sql: IFNULL(${TABLE}.status, 'none') ;;
  }
  dimension: created_day {
    sql: DATE_TRUNC(${TABLE}.created_at, DAY) ;;
  }
  measure: total {
    type: sum
    sql: SAFE_CAST(${TABLE}.amount AS NUMERIC) ;;
  }
}
