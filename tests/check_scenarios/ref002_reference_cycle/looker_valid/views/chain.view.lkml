view: chain_a {
  sql_table_name: shop.a ;;
  dimension: x {
    sql: ${chain_b.x} ;;
  }
}
view: chain_b {
  sql_table_name: shop.b ;;
  dimension: x {
    sql: ${TABLE}.x ;;
  }
  dimension: y {
    sql: ${x} + 1 ;;
  }
}
