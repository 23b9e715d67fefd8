view: extra {
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;

  # looker-ops: ignore SQL06 legacy field, removed in the next release # expect: BSL002
  dimension: a {
    sql: ${TABLE}.a ;;
  }

  dimension: b { # looker-ops: ignore ATH401,REFF01 kept for old dashboards # expect: BSL002
    sql: ${TABLE}.b ;;
  }
}
