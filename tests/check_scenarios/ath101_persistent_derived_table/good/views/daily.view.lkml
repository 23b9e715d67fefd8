view: daily {
  derived_table: {
    sql: SELECT eventname, count(*) AS n FROM @{SCHEMA}.cloudtrail_logs GROUP BY 1 ;;
  }
  dimension: eventname {}
}
