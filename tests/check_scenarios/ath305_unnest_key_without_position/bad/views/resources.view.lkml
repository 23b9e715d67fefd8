view: resources {
  derived_table: {
    sql: SELECT t.eventid AS eventid, r.arn AS arn
         FROM @{SCHEMA}.cloudtrail_logs AS t
         CROSS JOIN UNNEST(t.resources) AS r (arn, accountid, type) ;;
  }
  dimension: eventid {  # expect: ATH305
    primary_key: yes
  }
  dimension: arn {}
}
