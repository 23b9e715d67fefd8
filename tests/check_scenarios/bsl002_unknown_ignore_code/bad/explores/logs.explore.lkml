explore: logs {
  always_filter: {
    filters: [logs.event_date: "7 days"]
  }
  sql_always_where: ${logs.partition_date} >= COALESCE(date_format({% date_start logs.event_date %}, '%Y/%m/%d'), '0000/00/00') ;;
}
