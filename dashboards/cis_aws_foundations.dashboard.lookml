---
- dashboard: cloudtrail_cis_aws_foundations
  title: 'CloudTrail: CIS AWS Foundations Monitoring'
  layout: newspaper
  preferred_viewer: dashboards-next
  description: 'CIS AWS Foundations Benchmark 4.1-4.15: events matching each CloudTrail monitoring control''s metric
    filter.'
  preferred_slug: cloudtrail_cis_aws_foundations
  query_timezone: UTC
  crossfilter_enabled: false
  filters_location_top: true
  elements:
  - name: how_to_read
    type: text
    title_text: How to read this dashboard
    subtitle_text: ''
    body_text: |-
      One tile per CloudTrail monitoring control of the CIS AWS Foundations Benchmark (section 4, v1.5 numbering; CIS v1.2 3.x and Security Hub CloudWatch.1-14 are the same checks). Each tile counts the events in the **Date** window that match the control's CloudWatch metric filter, written in SQL over CloudTrail. The benchmark asks for an alarm on each: every non-zero tile is a list of events someone should review and explain.

      - Hover a tile's note for its filter; click a number for the events.
      - **Matching events** names the first control (by number) each event matches; an event can match two (a denied security group change is 4.1 and 4.10), so the tiles can add up to more than the table's rows. Who: *User* is the person (for an SSO session, the one signed in), *Actor* the identity that made the call (the AWSReservedSSO_ role for SSO sessions).
      - 4.2 uses the benchmark's SSO-aware variant (IAM users' successful sign-ins without MFA).
    row: 0
    col: 0
    width: 24
    height: 6
  - name: cis_4_1
    title: 4.1 Unauthorized API calls
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_1_unauthorized_api_calls: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: errorCode *UnauthorizedOperation or AccessDenied*, not from delivery.logs.amazonaws.com, not HeadBucket
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 6
    col: 0
    width: 4
    height: 3
  - name: cis_4_2
    title: 4.2 Console sign-in without MFA
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_2_console_signin_without_mfa: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: ConsoleLogin, MFAUsed not Yes, IAMUser, ConsoleLogin = Success
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 6
    col: 4
    width: 4
    height: 3
  - name: cis_4_3
    title: 4.3 Root account usage
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_3_root_account_usage: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: userIdentity.type Root, no invokedBy, eventType not AwsServiceEvent
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 6
    col: 8
    width: 4
    height: 3
  - name: cis_4_4
    title: 4.4 IAM policy changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_4_iam_policy_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: Put/Delete/Attach/Detach/Create policy calls
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 6
    col: 12
    width: 4
    height: 3
  - name: cis_4_5
    title: 4.5 CloudTrail configuration changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_5_cloudtrail_config_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 6
    col: 16
    width: 4
    height: 3
  - name: cis_4_6
    title: 4.6 Console authentication failures
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_6_console_auth_failures: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: ConsoleLogin with errorMessage Failed authentication
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 6
    col: 20
    width: 4
    height: 3
  - name: cis_4_7
    title: 4.7 CMKs disabled or scheduled for deletion
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_7_cmk_disable_or_deletion: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: kms.amazonaws.com DisableKey or ScheduleKeyDeletion
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 9
    col: 0
    width: 4
    height: 3
  - name: cis_4_8
    title: 4.8 S3 bucket policy changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_8_s3_bucket_policy_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: s3.amazonaws.com bucket ACL, policy, CORS, lifecycle and replication changes
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 9
    col: 4
    width: 4
    height: 3
  - name: cis_4_9
    title: 4.9 AWS Config changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_9_aws_config_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: config.amazonaws.com recorder and delivery channel changes
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 9
    col: 8
    width: 4
    height: 3
  - name: cis_4_10
    title: 4.10 Security group changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_10_security_group_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: Authorize/Revoke ingress and egress, Create/DeleteSecurityGroup
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 9
    col: 12
    width: 4
    height: 3
  - name: cis_4_11
    title: 4.11 Network ACL changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_11_nacl_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: Network ACL and entry create/delete/replace
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 9
    col: 16
    width: 4
    height: 3
  - name: cis_4_12
    title: 4.12 Network gateway changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_12_network_gateway_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: Customer and internet gateway create/delete/attach/detach
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 9
    col: 20
    width: 4
    height: 3
  - name: cis_4_13
    title: 4.13 Route table changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_13_route_table_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: ec2.amazonaws.com route and route table changes
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 12
    col: 0
    width: 4
    height: 3
  - name: cis_4_14
    title: 4.14 VPC changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_14_vpc_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: VPC, peering and ClassicLink changes
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 12
    col: 4
    width: 4
    height: 3
  - name: cis_4_15
    title: 4.15 AWS Organizations changes
    model: cloudtrail
    explore: cloudtrail_logs
    type: single_value
    fields: [cloudtrail_logs.events]
    filters: {cloudtrail_logs.cis_4_15_organizations_changes: 'Yes'}
    sorts: []
    limit: 1
    show_single_value_title: true
    show_comparison: false
    note_state: collapsed
    note_display: hover
    note_text: organizations.amazonaws.com account, OU, policy and handshake changes
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 12
    col: 8
    width: 4
    height: 3
  - name: cis_over_time
    title: Matches by control over time
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_column
    fields: [cloudtrail_logs.event_date, cloudtrail_logs.cis_control, cloudtrail_logs.events]
    pivots: [cloudtrail_logs.cis_control]
    filters: {cloudtrail_logs.cis_control: -NULL}
    sorts: [cloudtrail_logs.event_date]
    limit: 500
    stacking: normal
    show_view_names: false
    x_axis_gridlines: false
    listen: {date: cloudtrail_logs.event_date, account: cloudtrail_logs.account}
    row: 15
    col: 0
    width: 24
    height: 7
  - name: cis_events
    title: Matching events
    model: cloudtrail
    explore: cloudtrail_logs
    type: looker_grid
    fields: [cloudtrail_logs.event_time, cloudtrail_logs.cis_control, cloudtrail_logs.account_id, cloudtrail_logs.aws_region,
      cloudtrail_logs.user, cloudtrail_logs.actor, cloudtrail_logs.user_identity_type, cloudtrail_logs.event_source, cloudtrail_logs.event_name,
      cloudtrail_logs.source_ip, cloudtrail_logs.error_code, cloudtrail_logs.event_id]
    filters: {cloudtrail_logs.cis_control: -NULL}
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
