view: logs {
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;

  dimension: event_id {
    primary_key: yes
    sql: ${TABLE}.eventid ;;
  }

  dimension_group: event {
    type: time
    timeframes: [raw, time, date, week, month, month_num]
    sql: from_iso8601_timestamp(${TABLE}.eventtime) ;;
  }

  dimension: partition_date {
    hidden: yes
    sql: ${TABLE}.dt ;;
  }

  dimension: event_name {
    sql: ${TABLE}.eventname ;;
  }

  dimension: error_code {
    sql: ${TABLE}.errorcode ;;
  }

  dimension: severity_rank {
    type: number
    sql: CASE WHEN ${error_code} IS NULL THEN 0 ELSE 1 END ;;
  }

  measure: count {
    type: count
  }
  dimension: severity {
    sql: COALESCE(${error_code}, 'ok') ;;
    order_by_field: severity_rank
  }

  dimension: event_label {
    sql: ${event_name} ;;
    order_by_field: event_name
  }
}
