view: +zz_base {
  dimension: extra {
    sql: upper(${TABLE}.x) ;;
  }
}
