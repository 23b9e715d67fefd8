view: events {
  sql_table_name: @{ATHENA_SCHEMA}.@{CLOUDTRAIL_TABLE} ;;

  dimension: event_id {
    primary_key: yes
    type: string
    sql: ${TABLE}.eventid ;;
  }

  dimension: event_name {
    type: string
    sql: ${TABLE}.eventname ;;
  }

  dimension: aws_region {
    type: string
    sql: ${TABLE}.awsregion ;;
  }

  measure: count {
    type: count
  }
}
