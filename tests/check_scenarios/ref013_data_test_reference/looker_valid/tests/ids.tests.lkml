test: ids_are_unique {
  explore_source: logs {
    column: event_id { field: logs.event_id }
    column: count { field: logs.count }
    filters: [logs.event_date: "2 days"]
  }
  assert: one_each {
    expression: ${logs.count} = 1 ;;
  }
}
