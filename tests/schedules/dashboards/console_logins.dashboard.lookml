# Fixture for the schedules tests: only the parts schedules use.
- dashboard: console_logins
  title: Console Logins
  layout: newspaper
  preferred_slug: test_console_logins
  filters:
  - name: date
    title: Date
    type: date_filter
    default_value: 7 days
  - name: account_id
    title: Account ID
    type: field_filter
    model: cloudtrail
    explore: cloudtrail_logs
    field: cloudtrail_logs.account_id
  elements:
  - name: logins
    title: Logins
    type: single_value
    model: cloudtrail
    explore: cloudtrail_logs
    measures: [cloudtrail_logs.count]
    listen:
      date: cloudtrail_logs.event_date
      account_id: cloudtrail_logs.account_id
