view: extra {
  label: "Café"  # expect: LKM008
  dimension: a {
    type: string
    sql: ${TABLE}.a ;;
  }
}
