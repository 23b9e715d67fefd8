view: logs {
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;

  dimension: event_id {
    primary_key: yes
    sql: ${TABLE}.eventid ;;
  }

  dimension_group: event {
    type: time
    timeframes: [raw, time, date, week]
    sql: from_iso8601_timestamp(${TABLE}.eventtime) ;;
  }

  dimension: partition_date {
    hidden: yes
    sql: ${TABLE}.dt ;;
  }

  dimension: event_name {
    sql: ${TABLE}.eventname ;;
  }

  dimension: user_name {
    sql: ${TABLE}.useridentity.username ;;
  }

  dimension: source_ip {
    sql: ${TABLE}.sourceipaddress ;;
  }

  measure: count {
    type: count
  }
  set: detail {
    fields: [event_id, event_nmae]  # expect: REF004
  }
}
