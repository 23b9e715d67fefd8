# A view in the shape of real projects: most documented field parameters appear once.
view: activity {
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;
  label: "Activity"
  suggestions: yes
  fields_hidden_by_default: no
  required_access_grants: [can_see_accounts]
  drill_fields: [detail*]

  dimension: event_id {
    primary_key: yes
    hidden: yes
    type: string
    sql: ${TABLE}.eventid ;;
  }

  dimension: event_name {
    label: "Event Name"
    group_label: "Event"
    group_item_label: "Name"
    description: "The API call."
    alias: [api_call, event]
    type: string
    sql: ${TABLE}.eventname ;;
    html: <b>{{ value }}</b> ;;
    link: {
      label: "Search the AWS documentation"
      url: "https://docs.aws.amazon.com/search/doc-search.html?searchQuery={{ value | url_encode }}"
      icon_url: "https://aws.amazon.com/favicon.ico"
    }
    action: {
      label: "Open a ticket"
      url: "https://example.com/tickets"
      param: {
        name: "event"
        value: "{{ value }}"
      }
      form_param: {
        name: "note"
        type: textarea
        label: "Note"
        required: no
      }
    }
    tags: ["cloudtrail", "api"]
    suggest_persist_for: "6 hours"
    full_suggestions: yes
    can_filter: yes
    case_sensitive: no
    skip_drill_filter: no
    bypass_suggest_restrictions: no
    order_by_field: event_name_sort
    required_fields: [event_source]
  }

  dimension: partition_date {
    hidden: yes
    sql: ${TABLE}.dt ;;
  }

  dimension: event_name_sort {
    hidden: yes
    type: string
    sql: lower(${TABLE}.eventname) ;;
  }

  dimension: event_source {
    view_label: "Event details"
    type: string
    sql: ${TABLE}.eventsource ;;
    suggest_dimension: event_source
    suggest_explore: activity
    suggestable: yes
    suggestions: ["ec2.amazonaws.com", "iam.amazonaws.com", "s3.amazonaws.com"]
    allow_fill: no
  }

  dimension: outcome {
    case: {
      when: {
        sql: ${TABLE}.errorcode IS NULL ;;
        label: "Success"
      }
      when: {
        sql: ${TABLE}.errorcode = 'AccessDenied' ;;
        label: "Denied"
      }
      else: "Other error"
    }
    alpha_sort: yes
  }

  dimension: response_size {
    type: number
    sql: length(${TABLE}.responseelements) ;;
    value_format_name: decimal_0
  }

  dimension: response_size_tier {
    type: tier
    tiers: [0, 100, 1000, 10000]
    style: integer
    sql: ${response_size} ;;
  }

  dimension: region_name {
    type: string
    map_layer_name: countries
    sql: ${TABLE}.awsregion ;;
  }

  dimension: is_read_only {
    type: yesno
    sql: ${TABLE}.readonly = 'true' ;;
  }

  dimension_group: event {
    type: time
    timeframes: [raw, time, date, week, month, quarter, year, hour_of_day, day_of_week]
    convert_tz: no
    datatype: timestamp
    sql: from_iso8601_timestamp(${TABLE}.eventtime) ;;
  }

  dimension_group: since_event {
    type: duration
    intervals: [hour, day]
    sql_start: from_iso8601_timestamp(${TABLE}.eventtime) ;;
    sql_end: current_timestamp ;;
  }

  filter: event_filter {
    type: string
    suggest_dimension: event_name
    default_value: "ConsoleLogin"
  }

  parameter: metric {
    type: unquoted
    allowed_value: {
      label: "Events"
      value: "events"
    }
    allowed_value: {
      label: "Regions"
      value: "regions"
    }
    default_value: "events"
  }

  measure: count {
    type: count
    drill_fields: [event_name, event_source, event_time]
    value_format_name: big_count
  }

  measure: denied_count {
    type: count
    filters: [outcome: "Denied"]
    label_from_parameter: metric
  }

  measure: regions {
    type: count_distinct
    sql: ${TABLE}.awsregion ;;
    approximate: yes
    allow_approximate_optimization: yes
  }

  measure: response_total {
    type: sum_distinct
    sql: ${response_size} ;;
    sql_distinct_key: ${event_id} ;;
    precision: 2
    value_format: "#,##0"
  }

  measure: response_p90 {
    type: percentile
    percentile: 90
    sql: ${response_size} ;;
  }

  measure: share_of_events {
    type: percent_of_total
    sql: ${count} ;;
    direction: "column"
  }

  set: detail {
    fields: [event_name, event_source, event_time, outcome]
  }
}
