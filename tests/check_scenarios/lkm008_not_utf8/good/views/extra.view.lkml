view: extra {
  label: "Café ☕ 日本"
  dimension: a {
    type: string
    sql: ${TABLE}.a ;;
  }
}
