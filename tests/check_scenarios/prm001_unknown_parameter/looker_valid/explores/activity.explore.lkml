explore: activity {
  label: "Activity"
  group_label: "CloudTrail"
  description: "Every API call, one row per event."
  view_label: "Activity"
  tags: ["security"]
  hidden: no
  persist_with: hourly
  case_sensitive: no
  symmetric_aggregates: yes
  required_access_grants: [can_see_accounts]
  always_filter: {
    filters: [activity.event_date: "7 days"]
  }
  sql_always_where: ${activity.partition_date} >= COALESCE(date_format({% date_start activity.event_date %}, '%Y/%m/%d'), '0000/00/00') ;;
  access_filter: {
    field: activity.region_name
    user_attribute: allowed_regions
  }
  always_join: [logs]
  fields: [ALL_FIELDS*]

  join: logs {
    from: logs
    view_label: "Logs"
    type: left_outer
    relationship: one_to_one
    sql_on: ${activity.event_id} = ${logs.event_id} ;;
    fields: [logs.event_name, logs.count]
    outer_only: no
  }

  query: top_events {
    label: "Top events"
    description: "The most frequent API calls."
    dimensions: [activity.event_name]
    measures: [activity.count]
    sorts: [activity.count: desc]
    limit: 10
  }
}
