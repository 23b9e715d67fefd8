# CloudTrail events, with the source IP's location.
#
# Date window and partition pruning: the explore always carries a filter on the event date
# (7 days unless changed), and sql_always_where turns that window into a range on the partition
# column dt ('yyyy/MM/dd', the day CloudTrail delivered the file), so Athena reads only those
# days. The range is one day wider than the window on each side:
# - end: the window's end (date_end) is exclusive (midnight after the last day) and is kept
#   inclusive here, so the files delivered on the day after the window, which hold the events of
#   the window's last minutes, are read;
# - start: one day before the window's first day. CloudTrail's key date is the delivery day, never
#   earlier than the events in the file, so in UTC the window's first day would do; but the date
#   filter is rendered in the query's time zone, and a zone ahead of UTC (Asia, Australia) starts
#   its day on the previous UTC day. The extra day keeps those queries complete. It costs about
#   one extra day of files per query; the dashboards all set query_timezone: UTC. An instance
#   whose queries all run in UTC can drop the date_add below (docs/block.md, "Removing the margin").
# The dashboards' Account filter is on the partition column account, so it prunes accounts too.
# The event_date filter itself then keeps exactly the window's events. When the filter is open
# ("is any time"), date_start/date_end render as NULL and the range falls back to everything.

explore: cloudtrail_logs {
  label: "CloudTrail Events"
  # How the base view's fields are headed where Looker shows view names (field picker, tiles with
  # view names): "CloudTrail Console Logins", not the view's name "Cloudtrail Logs Console Logins".
  view_label: "CloudTrail"
  description: "One row per CloudTrail event. Always filtered on a date window; only the matching days are read."

  always_filter: {
    filters: [cloudtrail_logs.event_date: "7 days"]
  }

  sql_always_where:
    ${cloudtrail_logs.partition_date} >= COALESCE(date_format(date_add('day', -1, CAST({% date_start cloudtrail_logs.event_date %} AS TIMESTAMP)), '%Y/%m/%d'), '0000/00/00')
    AND ${cloudtrail_logs.partition_date} <= COALESCE(date_format(CAST({% date_end cloudtrail_logs.event_date %} AS TIMESTAMP), '%Y/%m/%d'), '9999/99/99') ;;

  join: geoip {
    view_label: "Source IP"
    type: left_outer
    relationship: many_to_one
    sql_on: ${geoip.bucket} = CAST(floor(${cloudtrail_logs.source_ip_int} / 65536.0) AS BIGINT)
      AND ${cloudtrail_logs.source_ip_int} BETWEEN ${geoip.ip_start} AND ${geoip.ip_end} ;;
  }
}
