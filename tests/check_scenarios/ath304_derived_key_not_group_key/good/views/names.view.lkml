view: names {
  derived_table: {
    sql: SELECT eventname, awsregion, count(*) AS n FROM @{SCHEMA}.cloudtrail_logs GROUP BY 1, 2 ;;
  }
  dimension: pk {
    primary_key: yes
    sql: ${TABLE}.eventname || '|' || ${TABLE}.awsregion ;;
  }
  dimension: eventname {}
  dimension: awsregion {}
  dimension: n { type: number }
}
