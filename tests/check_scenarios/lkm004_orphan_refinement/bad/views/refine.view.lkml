view: +log {  # expect: LKM004
  dimension: event_name { label: "Event" }
}
