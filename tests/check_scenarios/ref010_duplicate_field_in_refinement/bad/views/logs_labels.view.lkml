view: +logs {
  dimension: event_name {
    label: "Event name"
  }
  dimension: event_name {  # expect: REF010
    description: "The API call"
  }
}
