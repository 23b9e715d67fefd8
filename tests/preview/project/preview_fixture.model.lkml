# A small project for the preview tests: templated filters, parameters, a derived-table join
# and a geo join, over the same Athena table as the block.
connection: "athena"
include: "/views/*.view.lkml"

explore: events {
  always_filter: {
    filters: [events.event_date: "3 days"]
  }
  sql_always_where: ${events.dt} >= COALESCE(date_format(CAST({% date_start events.event_date %} AS TIMESTAMP), '%Y/%m/%d'), '0000/00/00')
    AND ${events.dt} < COALESCE(date_format(CAST({% date_end events.event_date %} AS TIMESTAMP), '%Y/%m/%d'), '9999/99/99') ;;

  join: callers {
    type: left_outer
    relationship: many_to_one
    sql_on: ${events.actor_name} = ${callers.name} ;;
  }
  join: caller_teams {
    from: teams
    type: left_outer
    relationship: many_to_one
    sql_on: ${callers.team} = ${caller_teams.team} ;;
  }
}

explore: recent {
  from: events
  fields: [ALL_FIELDS*, -recent.actor_name]
  conditionally_filter: {
    filters: [recent.event_date: "1 day"]
    unless: [recent.event_name]
  }
}

# sql_always_where reaches a join: the join is needed even when no field of it is selected.
explore: platform_events {
  from: events
  sql_always_where: ${callers.team} = 'platform' ;;
  join: callers {
    type: left_outer
    relationship: many_to_one
    sql_on: ${platform_events.actor_name} = ${callers.name} ;;
  }
}
