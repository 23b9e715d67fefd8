view: resources {
  derived_table: {
    sql: SELECT t.eventid AS eventid, r.arn AS arn, r.position AS position
         FROM @{SCHEMA}.cloudtrail_logs AS t
         CROSS JOIN UNNEST(t.resources) WITH ORDINALITY AS r (arn, accountid, type, position) ;;
  }
  dimension: pk {
    primary_key: yes
    sql: ${TABLE}.eventid || '-' || CAST(${TABLE}.position AS VARCHAR) ;;
  }
  dimension: arn {}
}
