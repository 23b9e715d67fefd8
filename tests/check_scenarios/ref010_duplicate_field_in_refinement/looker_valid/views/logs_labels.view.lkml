view: +logs {
  dimension: event_name {
    label: "Event name"
    description: "The API call"
  }
}
