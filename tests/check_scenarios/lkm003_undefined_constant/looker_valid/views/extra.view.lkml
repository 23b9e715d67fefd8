view: extra {
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;
  dimension: a {}
}
