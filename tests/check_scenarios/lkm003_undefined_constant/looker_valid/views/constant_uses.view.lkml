view: constant_uses {
  sql_table_name: @{SCHEMA}.events ;;
  dimension: id {
    primary_key: yes
    label: "@{SCHEMA} id"
    sql: ${TABLE}.id ;;
  }
}
