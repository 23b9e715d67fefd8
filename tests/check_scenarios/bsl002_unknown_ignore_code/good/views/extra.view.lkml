view: extra {
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;

  # looker-ops: ignore SQL006 legacy field, removed in the next release
  dimension: a {
    sql: ${TABLE}.a ;;
  }

  dimension: b { # looker-ops: ignore ATH401 kept for old dashboards
    sql: ${TABLE}.b ;;
  }
}
