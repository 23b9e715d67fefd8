# LookML data tests, run by Looker (Run LookML Tests, or the API's lookml_tests/run) against the
# real Athena tables before production moves. Each one reads a short window only.

test: event_id_is_unique {
  explore_source: cloudtrail_logs {
    column: event_id { field: cloudtrail_logs.event_id }
    column: events { field: cloudtrail_logs.events }
    filters: [cloudtrail_logs.event_date: "2 days"]
    sorts: [cloudtrail_logs.events: desc]
    limit: 1
  }
  assert: no_event_id_repeats {
    expression: ${cloudtrail_logs.events} = 1 ;;
  }
}

test: geoip_join_does_not_fan_out {
  explore_source: cloudtrail_logs {
    column: events { field: cloudtrail_logs.events }
    column: event_ids { field: cloudtrail_logs.event_id_count }
    filters: [cloudtrail_logs.event_date: "1 day", geoip.country: "-NULL"]
  }
  assert: one_row_per_event {
    expression: ${cloudtrail_logs.events} = ${cloudtrail_logs.event_id_count} ;;
  }
}

test: resource_key_is_unique {
  explore_source: cloudtrail_resources {
    column: pk { field: cloudtrail_resources.pk }
    column: resources { field: cloudtrail_resources.resources }
    filters: [cloudtrail_resources.event_date: "2 days"]
    sorts: [cloudtrail_resources.resources: desc]
    limit: 1
  }
  assert: no_resource_key_repeats {
    expression: ${cloudtrail_resources.resources} = 1 ;;
  }
}

test: events_are_near_their_partition_day {
  explore_source: cloudtrail_logs {
    column: outside { field: cloudtrail_logs.events_outside_partition_margin }
    filters: [cloudtrail_logs.event_date: "7 days"]
  }
  assert: no_event_more_than_a_day_from_its_file_day {
    expression: ${cloudtrail_logs.events_outside_partition_margin} = 0 ;;
  }
}

test: log_account_is_the_receiving_account {
  explore_source: cloudtrail_logs {
    column: other { field: cloudtrail_logs.events_logged_for_other_account }
    filters: [cloudtrail_logs.event_date: "2 days"]
  }
  assert: account_filter_and_account_id_agree {
    expression: ${cloudtrail_logs.events_logged_for_other_account} = 0 ;;
  }
}

test: console_login_results_are_known {
  explore_source: cloudtrail_logs {
    column: console_logins { field: cloudtrail_logs.console_logins }
    column: successes { field: cloudtrail_logs.console_login_successes }
    column: failures { field: cloudtrail_logs.console_login_failures }
    filters: [cloudtrail_logs.event_date: "7 days"]
  }
  assert: every_login_is_a_success_or_a_failure {
    expression: ${cloudtrail_logs.console_logins} = ${cloudtrail_logs.console_login_successes} + ${cloudtrail_logs.console_login_failures} ;;
  }
}
