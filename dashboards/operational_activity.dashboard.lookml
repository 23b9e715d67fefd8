---
- dashboard: cloudtrail_operational_activity
  title: 'CloudTrail: Operational Account Activity'
  layout: newspaper
  preferred_viewer: dashboards-next
  description: Errors, top callers and what they call, root activity, access-denied trends, activity by region and
    service.
  preferred_slug: cloudtrail_operational_activity
  query_timezone: UTC
  crossfilter_enabled: false
  filters_location_top: true
  elements:
  - name: how_to_read
    type: text
    title_text: How to read this dashboard
    subtitle_text: ''
    body_text: |-
      API activity of the accounts in the **Date** window (UTC).

      - **Error rate** is errors / events. Errors are grouped in families: *access denied*, *throttling*, *not found*, *validation*, *other*.
      - **Recurring errors** shows the same error returned again and again: usually a misconfigured job or role, sometimes someone probing for permissions.
      - **Root activity** lists what was done with the root user's credentials (AWS services acting for root are left out, as in CIS 4.3). Root should almost never be used.
      - **Actor** is the IAM user, the role that issued the session, `root`, or the AWS service.
    row: 0
    col: 0
    width: 24
    height: 5
  - name: events
    title: Events
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 0
    width: 4
    height: 3
  - name: errors
    title: Errors
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.errors]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 4
    width: 4
    height: 3
  - name: error_rate
    title: Error rate
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.error_rate]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 8
    width: 4
    height: 3
  - name: actors
    title: Actors
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.distinct_actors]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 12
    width: 4
    height: 3
  - name: root_events
    title: Root events
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.root_events]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 16
    width: 4
    height: 3
  - name: access_denied
    title: Access denied
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.access_denied_events]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 20
    width: 4
    height: 3
  - name: recurring_errors
    title: Recurring errors
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.error_code, cloudtrail_logs.error_family, cloudtrail_logs.event_source, cloudtrail_logs.event_name,
      cloudtrail_logs.errors, cloudtrail_logs.distinct_actors]
    filters: {cloudtrail_logs.is_error: 'Yes'}
    sorts: [cloudtrail_logs.errors desc]
    limit: 50
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 8
    col: 0
    width: 24
    height: 7
  - name: top_callers
    title: Top API callers
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_bar
    fields: [cloudtrail_logs.actor, cloudtrail_logs.events, cloudtrail_logs.errors]
    sorts: [cloudtrail_logs.events desc]
    limit: 15
    show_view_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 0
    width: 10
    height: 8
  - name: caller_calls
    title: What the top callers call
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.actor, cloudtrail_logs.event_source, cloudtrail_logs.event_name, cloudtrail_logs.events,
      cloudtrail_logs.errors, cloudtrail_logs.error_rate]
    sorts: [cloudtrail_logs.events desc]
    limit: 100
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 10
    width: 14
    height: 8
  - name: access_denied_trend
    title: Access-denied trend
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_line
    fields: [cloudtrail_logs.event_date, cloudtrail_logs.access_denied_events, cloudtrail_logs.errors]
    sorts: [cloudtrail_logs.event_date]
    limit: 500
    show_view_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 23
    col: 0
    width: 12
    height: 7
  - name: access_denied_by_actor
    title: Who is denied, doing what
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.actor, cloudtrail_logs.event_name, cloudtrail_logs.error_code, cloudtrail_logs.access_denied_events]
    filters: {cloudtrail_logs.error_family: access denied}
    sorts: [cloudtrail_logs.access_denied_events desc]
    limit: 50
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 23
    col: 12
    width: 12
    height: 7
  - name: root_activity
    title: Root activity
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.event_time, cloudtrail_logs.event_source, cloudtrail_logs.event_name, cloudtrail_logs.source_ip,
      geoip.country, cloudtrail_logs.user_agent, cloudtrail_logs.error_code, cloudtrail_logs.event_id]
    filters: {cloudtrail_logs.is_root_activity: 'Yes'}
    sorts: [cloudtrail_logs.event_time desc]
    limit: 500
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 30
    col: 0
    width: 24
    height: 7
  - name: activity_by_region
    title: Activity by region
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_column
    fields: [cloudtrail_logs.aws_region, cloudtrail_logs.events, cloudtrail_logs.errors]
    sorts: [cloudtrail_logs.events desc]
    limit: 50
    show_view_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 37
    col: 0
    width: 12
    height: 7
  - name: activity_by_service
    title: Activity by service
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_bar
    fields: [cloudtrail_logs.service, cloudtrail_logs.events, cloudtrail_logs.errors]
    sorts: [cloudtrail_logs.events desc]
    limit: 20
    show_view_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 37
    col: 12
    width: 12
    height: 7
  - name: activity_over_time
    title: Events over time by category
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_column
    fields: [cloudtrail_logs.event_date, cloudtrail_logs.event_category, cloudtrail_logs.events]
    pivots: [cloudtrail_logs.event_category]
    sorts: [cloudtrail_logs.event_date]
    limit: 500
    stacking: normal
    show_view_names: false
    x_axis_gridlines: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 44
    col: 0
    width: 24
    height: 6
  filters:
  - name: date
    title: Date
    type: field_filter
    default_value: 7 days
    allow_multiple_values: true
    required: false
    ui_config:
      type: relative_timeframes
      display: inline
      options: []
    model: cloudtrail
    explore: cloudtrail_logs
    listens_to_filters: []
    field: cloudtrail_logs.event_date
  - name: account
    title: Account
    type: field_filter
    default_value: ''
    allow_multiple_values: true
    required: false
    ui_config:
      type: tag_list
      display: popover
      options: []
    model: cloudtrail
    explore: cloudtrail_logs
    listens_to_filters: []
    field: cloudtrail_logs.account
