view: daily {
  derived_table: {
    sql: SELECT eventname, count(*) AS n FROM @{SCHEMA}.cloudtrail_logs GROUP BY 1 ;;
    datagroup_trigger: nightly  # expect: ATH101
  }
  dimension: eventname {}
}
