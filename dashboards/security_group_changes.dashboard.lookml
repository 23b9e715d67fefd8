---
- dashboard: cloudtrail_security_group_changes
  title: 'CloudTrail: EC2 Security Group Modifications'
  layout: newspaper
  preferred_viewer: dashboards-next
  description: Who changed which EC2 security group, when, from where, and what was opened or closed; rules opened
    to the world.
  preferred_slug: cloudtrail_security_group_changes
  query_timezone: UTC
  crossfilter_enabled: false
  filters_location_top: true
  elements:
  - name: how_to_read
    type: text
    title_text: How to read this dashboard
    subtitle_text: ''
    body_text: |-
      Every call that creates, deletes or changes an EC2 security group or its rules in the **Date** window (UTC), read from the calls' request parameters.

      - **Changes opening ports to the world** lists successful INGRESS rule additions (and rule modifications) whose ranges include `0.0.0.0/0` or `::/0`: each one should have an owner and a reason. Removals of such rules (closing them) are not counted there, nor are denied attempts, nor egress rules to the world (Terraform and CloudFormation add `0.0.0.0/0` egress to every group they create): those show as *Egress To World* in **Every change**.
      - **Every change** shows who (user, and the actor: the role for SSO sessions), when, from where (source IP and country), which group, and what was opened or closed (direction, protocol, ports, ranges). A filled *Error Code* means the call failed and changed nothing; `Client.UnauthorizedOperation` is someone trying without permission.
      - Ports and protocol are those of the request's first rule; *CIDRs* lists every range it names.
    row: 0
    col: 0
    width: 24
    height: 5
  - name: changes
    title: Security group changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.security_group_changes]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 0
    width: 6
    height: 3
  - name: world_open
    title: Ingress opened to the world
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.world_open_changes]
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: Successful AuthorizeSecurityGroupIngress or ModifySecurityGroupRules calls whose rules include 0.0.0.0/0
      or ::/0. Egress to the world is not counted.
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 6
    width: 6
    height: 3
  - name: failed_changes
    title: Failed or denied attempts
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.errors]
    filters: {cloudtrail_logs.is_security_group_change: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 12
    width: 6
    height: 3
  - name: actors
    title: Users changing security groups
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.distinct_users]
    filters: {cloudtrail_logs.is_security_group_change: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 5
    col: 18
    width: 6
    height: 3
  - name: world_open_changes
    title: Changes opening ports to the world
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.event_time, cloudtrail_logs.user, cloudtrail_logs.actor, cloudtrail_logs.source_ip, geoip.country, cloudtrail_logs.account_id,
      cloudtrail_logs.aws_region, cloudtrail_logs.security_group_id, cloudtrail_logs.security_group_change_type,
      cloudtrail_logs.security_group_protocol, cloudtrail_logs.security_group_ports, cloudtrail_logs.security_group_cidrs,
      cloudtrail_logs.event_id]
    filters: {cloudtrail_logs.opens_to_world: 'Yes'}
    sorts: [cloudtrail_logs.event_time desc]
    limit: 500
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 8
    col: 0
    width: 24
    height: 7
  - name: changes_by_actor
    title: Changes by user over time
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_column
    fields: [cloudtrail_logs.event_date, cloudtrail_logs.user, cloudtrail_logs.security_group_changes]
    pivots: [cloudtrail_logs.user]
    filters: {cloudtrail_logs.is_security_group_change: 'Yes'}
    sorts: [cloudtrail_logs.event_date]
    limit: 500
    stacking: normal
    show_view_names: false
    x_axis_gridlines: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 0
    width: 16
    height: 7
  - name: changes_by_type
    title: Changes by type
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_bar
    fields: [cloudtrail_logs.security_group_change_type, cloudtrail_logs.security_group_changes]
    filters: {cloudtrail_logs.is_security_group_change: 'Yes'}
    sorts: [cloudtrail_logs.security_group_changes desc]
    limit: 20
    show_view_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 16
    width: 8
    height: 7
  - name: every_change
    title: Every change
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.event_time, cloudtrail_logs.user, cloudtrail_logs.actor, cloudtrail_logs.user_identity_type, cloudtrail_logs.source_ip,
      geoip.country, cloudtrail_logs.account_id, cloudtrail_logs.aws_region, cloudtrail_logs.security_group_change_type,
      cloudtrail_logs.security_group_id, cloudtrail_logs.security_group_name, cloudtrail_logs.security_group_vpc_id,
      cloudtrail_logs.security_group_direction, cloudtrail_logs.security_group_protocol, cloudtrail_logs.security_group_ports,
      cloudtrail_logs.security_group_cidrs, cloudtrail_logs.security_group_source_group_id, cloudtrail_logs.opens_to_world,
      cloudtrail_logs.egress_to_world, cloudtrail_logs.error_code, cloudtrail_logs.event_id]
    filters: {cloudtrail_logs.is_security_group_change: 'Yes'}
    sorts: [cloudtrail_logs.event_time desc]
    limit: 1000
    show_view_names: false
    show_row_numbers: true
    truncate_column_names: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 22
    col: 0
    width: 24
    height: 10
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
