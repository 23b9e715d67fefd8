view: preview {
  sql_table_name: other.previews ;;
  dimension: key {
    primary_key: yes
    sql: ${TABLE}.key ;;
  }
}
