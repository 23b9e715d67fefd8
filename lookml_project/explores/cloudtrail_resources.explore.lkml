# Resources named by CloudTrail events: one row per (event, resource). An explore of its own so
# the array never fans out the events explore. Same date window and partition pruning as the
# CloudTrail Events explore (see cloudtrail_logs.explore.lkml for the one-day margins).

explore: cloudtrail_resources {
  label: "CloudTrail Resources"
  view_label: "CloudTrail Resources"   # not the view's name "Cloudtrail Resources"
  description: "One row per resource listed in an event (S3 objects, KMS keys, IAM roles...). Always filtered on a date window."

  always_filter: {
    filters: [cloudtrail_resources.event_date: "7 days"]
  }

  sql_always_where:
    ${cloudtrail_resources.partition_date} >= COALESCE(date_format(date_add('day', -1, CAST({% date_start cloudtrail_resources.event_date %} AS TIMESTAMP)), '%Y/%m/%d'), '0000/00/00')
    AND ${cloudtrail_resources.partition_date} <= COALESCE(date_format(CAST({% date_end cloudtrail_resources.event_date %} AS TIMESTAMP), '%Y/%m/%d'), '9999/99/99') ;;
}
