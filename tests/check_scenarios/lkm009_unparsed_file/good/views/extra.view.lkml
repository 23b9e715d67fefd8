view: extra {
  sql_table_name: cloudtrail.extra ;;
  dimension: a {
    type: string
    sql: ${TABLE}.a ;;
  }
}
