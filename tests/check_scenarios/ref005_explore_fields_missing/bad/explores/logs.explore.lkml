explore: logs {
  always_filter: {
    filters: [logs.event_date: "7 days"]
  }
  sql_always_where: ${logs.partition_date} >= COALESCE(date_format({% date_start logs.event_date %}, '%Y/%m/%d'), '0000/00/00') ;;
  fields: [ALL_FIELDS*, -logs.user_nmae]  # expect: REF005
  access_filter: { field: user_nmae user_attribute: team }  # expect: REF005
}
