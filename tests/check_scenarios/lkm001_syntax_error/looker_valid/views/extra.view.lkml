view: extra {
  dimension: a {
    type: string
    sql: ${TABLE}.a ;;
  }
}
