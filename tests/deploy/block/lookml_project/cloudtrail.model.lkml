connection: "@{CONNECTION_NAME}"

include: "/views/*.view.lkml"

explore: events {
  label: "CloudTrail events"
}

test: events_are_counted {
  explore_source: events {
    column: count { field: events.count }
  }
  assertion: count_is_not_negative {
    expression: ${events.count} >= 0 ;;
  }
}
