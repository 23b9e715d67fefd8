view: logs {  # expect: REF010
  sql_table_name: @{SCHEMA}.cloudtrail_logs ;;
}
