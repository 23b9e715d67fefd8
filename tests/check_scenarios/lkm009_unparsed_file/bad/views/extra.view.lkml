view: extra {
  sql_table_name: cloudtrail.extra ;;
  dimension: a {
    type: string
    type: number  # expect: LKM001
    sql: ${TABLE}.a ;;
  }
}
