view: +logs {
  dimension: event_name { label: "Event" }
}
