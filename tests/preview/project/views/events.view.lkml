view: events {
  sql_table_name: cloudtrail.cloudtrail_logs ;;

  dimension: event_id {
    primary_key: yes
    sql: ${TABLE}.eventid ;;
  }
  dimension_group: event {
    type: time
    timeframes: [raw, time, date, week, hour_of_day]
    sql: from_iso8601_timestamp(${TABLE}.eventtime) ;;
  }
  dimension: dt {
    hidden: yes
    sql: ${TABLE}.dt ;;
  }
  dimension: event_name {
    sql: ${TABLE}.eventname ;;
  }
  dimension: region {
    sql: ${TABLE}.awsregion ;;
  }
  dimension: error_code {
    sql: ${TABLE}.errorcode ;;
  }
  dimension: actor_name {
    sql: ${TABLE}.useridentity.username ;;
  }

  filter: name_filter {
    type: string
  }
  dimension: name_matches {
    type: yesno
    sql: {% condition name_filter %} ${TABLE}.eventname {% endcondition %} ;;
  }
  parameter: region_choice {
    type: string
    allowed_value: { value: "us-east-1" }
    allowed_value: { value: "eu-west-1" }
    default_value: "us-east-1"
  }
  dimension: in_chosen_region {
    type: yesno
    sql: ${TABLE}.awsregion = {% parameter region_choice %} ;;
  }

  measure: count {
    type: count
  }
  measure: errors {
    type: count
    filters: [error_code: "-NULL"]
  }
}
