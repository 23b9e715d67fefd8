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
  # the shapes of Looker's documentation and of real projects: a name sorted by its id, a month
  # name by a timeframe of a dimension group, a string measure by a count, the view's own name
  dimension: severity {
    sql: COALESCE(${error_code}, 'ok') ;;
    order_by_field: logs.severity_rank
  }

  dimension: month_name {
    sql: date_format(${event_raw}, '%M') ;;
    order_by_field: event_month_num
  }

  measure: event_names {
    type: string
    sql: array_join(array_agg(DISTINCT ${event_name}), ', ') ;;
    order_by_field: count
  }
}

view: +logs {
  dimension: event_name {
    order_by_field: error_code
  }
}
