view: names {
  derived_table: {
    sql: SELECT eventname, awsregion, count(*) AS n FROM @{SCHEMA}.cloudtrail_logs GROUP BY 1, 2 ;;
  }
  dimension: eventname {  # expect: ATH304
    primary_key: yes
  }
  dimension: awsregion {}
  dimension: n { type: number }
}
