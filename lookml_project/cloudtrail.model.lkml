# AWS CloudTrail on Amazon Athena.
#
# Everything is queried live on Athena: there are no persistent derived tables and no aggregate
# tables in this block (no Glue write permissions needed, cost follows the date window). The
# datagroup below is used for query-result caching only.

connection: "@{CONNECTION_NAME}"
label: "AWS CloudTrail"

include: "/views/*.view.lkml"
include: "/explores/*.explore.lkml"
include: "/data_tests/*.lkml"

# CloudTrail delivers a log file about every five minutes per account and region, so a cached
# result older than a quarter of an hour hides recent activity. The trigger is computed from the
# clock alone: checking it reads no table and costs nothing on Athena.
datagroup: cloudtrail_cache {
  label: "CloudTrail query cache"
  description: "Cache query results for at most 15 minutes (CloudTrail's delivery cadence). Caching only: nothing is persisted."
  sql_trigger: SELECT FLOOR(to_unixtime(now()) / 900) ;;
  max_cache_age: "1 hour"
}

persist_with: cloudtrail_cache

week_start_day: monday
