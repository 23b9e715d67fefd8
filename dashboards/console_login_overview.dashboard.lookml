---
- dashboard: cloudtrail_console_login_overview
  title: 'CloudTrail: Console Login Overview'
  layout: newspaper
  preferred_viewer: dashboards-next
  description: 'AWS Management Console sign-ins: results, users, locations, source IPs, failures and logins without
    MFA.'
  preferred_slug: cloudtrail_console_login_overview
  query_timezone: UTC
  crossfilter_enabled: false
  filters_location_top: true
  elements:
  - name: how_to_read
    type: text
    title_text: How to read this dashboard
    subtitle_text: ''
    body_text: |-
      Every AWS Management Console sign-in (CloudTrail `ConsoleLogin` events) in the **Date** window (default: the last 7 days, UTC).

      - **Logins over time** splits each day's sign-ins by result (`Success` / `Failure`). A spike of failures is a password-guessing attempt; look it up in *IPs with the most logins*.
      - **Logins without MFA** lists successful sign-ins of IAM users and root that did not use MFA. Federated (SSO) sign-ins are not listed: their MFA happens at the identity provider.
      - **Users** are people: the IAM user, or for IAM Identity Center (SSO) and SAML sign-ins the person's session name (e.g. `alice@example.com`), not the shared `AWSReservedSSO_...` role.
      - **Users logging in from several IPs** shows users seen from more than one address: expected for travellers and VPNs, suspicious when the countries differ.
      - Locations come from the geo-IP table; addresses it does not know show no location.
      - Click any number to see the events behind it.
    row: 0
    col: 0
    width: 24
    height: 5
  - name: logins
    title: Console logins
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.console_logins]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 0
    width: 6
    height: 3
  - name: successes
    title: Successful logins
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.console_login_successes]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 6
    width: 6
    height: 3
  - name: failures
    title: Failed logins
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.console_login_failures]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 12
    width: 6
    height: 3
  - name: without_mfa
    title: Logins without MFA
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.logins_without_mfa]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: Successful console sign-ins of IAM users or root with MFAUsed other than Yes.
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 18
    width: 6
    height: 3
  - name: logins_over_time
    title: Logins over time by result
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_column
    fields: [cloudtrail_logs.event_date, cloudtrail_logs.console_login_result, cloudtrail_logs.console_logins]
    pivots: [cloudtrail_logs.console_login_result]
    filters: {cloudtrail_logs.is_console_login: 'Yes'}
    sorts: [cloudtrail_logs.event_date]
    limit: 500
    stacking: normal
    show_view_names: false
    x_axis_gridlines: false
    series_colors: {Success - cloudtrail_logs.console_logins: '#2E7D32', Failure - cloudtrail_logs.console_logins: '#C62828'}
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 8
    col: 0
    width: 24
    height: 7
  - name: top_users
    title: Top users
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_bar
    fields: [cloudtrail_logs.user, cloudtrail_logs.console_login_successes, cloudtrail_logs.console_login_failures,
      cloudtrail_logs.console_logins]
    filters: {cloudtrail_logs.is_console_login: 'Yes'}
    sorts: [cloudtrail_logs.console_logins desc]
    limit: 15
    stacking: normal
    show_view_names: false
    x_axis_gridlines: false
    hidden_fields: [cloudtrail_logs.console_logins]
    series_colors: {cloudtrail_logs.console_login_successes: '#2E7D32', cloudtrail_logs.console_login_failures: '#C62828'}
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 0
    width: 12
    height: 8
  - name: logins_map
    title: Logins by location
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_map
    fields: [geoip.location, cloudtrail_logs.console_logins, cloudtrail_logs.console_login_failures]
    filters: {cloudtrail_logs.is_console_login: 'Yes', geoip.location: -NULL}
    sorts: [cloudtrail_logs.console_logins desc]
    limit: 500
    map_plot_mode: points
    map_marker_type: circle
    map_marker_radius_mode: proportional_value
    map_position: fit_data
    show_view_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 12
    width: 12
    height: 8
  - name: logins_by_country
    title: Logins by country and city
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [geoip.country, geoip.city, cloudtrail_logs.console_logins, cloudtrail_logs.console_login_failures,
      cloudtrail_logs.distinct_users]
    filters: {cloudtrail_logs.is_console_login: 'Yes'}
    sorts: [cloudtrail_logs.console_logins desc]
    limit: 50
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 23
    col: 0
    width: 12
    height: 7
  - name: top_ips
    title: IPs with the most logins
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.source_ip, geoip.country, cloudtrail_logs.console_logins, cloudtrail_logs.console_login_failures,
      cloudtrail_logs.distinct_users]
    filters: {cloudtrail_logs.is_console_login: 'Yes'}
    sorts: [cloudtrail_logs.console_logins desc]
    limit: 25
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 23
    col: 12
    width: 12
    height: 7
  - name: users_several_ips
    title: Users logging in from several IPs
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.user, cloudtrail_logs.user_identity_type, cloudtrail_logs.distinct_source_ips, cloudtrail_logs.console_logins,
      cloudtrail_logs.console_login_failures]
    filters: {cloudtrail_logs.is_console_login: 'Yes', cloudtrail_logs.distinct_source_ips: '>1'}
    sorts: [cloudtrail_logs.distinct_source_ips desc]
    limit: 50
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 30
    col: 0
    width: 12
    height: 7
  - name: login_failures
    title: Most common login failures
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.console_login_failure_reason, cloudtrail_logs.user, cloudtrail_logs.source_ip, cloudtrail_logs.console_login_failures]
    filters: {cloudtrail_logs.is_console_login: 'Yes', cloudtrail_logs.console_login_result: Failure}
    sorts: [cloudtrail_logs.console_login_failures desc]
    limit: 50
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 30
    col: 12
    width: 12
    height: 7
  - name: logins_without_mfa
    title: Console logins without MFA
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.event_time, cloudtrail_logs.user, cloudtrail_logs.user_identity_type, cloudtrail_logs.source_ip,
      geoip.country, cloudtrail_logs.user_agent, cloudtrail_logs.event_id]
    filters: {cloudtrail_logs.is_console_login_without_mfa: 'Yes'}
    sorts: [cloudtrail_logs.event_time desc]
    limit: 500
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 37
    col: 0
    width: 24
    height: 7
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
