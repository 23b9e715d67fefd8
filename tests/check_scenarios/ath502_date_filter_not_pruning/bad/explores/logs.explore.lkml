explore: logs {  # expect: ATH502
  always_filter: {
    filters: [logs.event_date: "7 days"]
  }
}
