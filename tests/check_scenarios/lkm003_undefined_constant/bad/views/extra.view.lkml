view: extra {  # expect: LKM003
  sql_table_name: @{SCHEM}.cloudtrail_logs ;;
  dimension: a {}
}
