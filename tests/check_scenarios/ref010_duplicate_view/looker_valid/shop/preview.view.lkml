view: preview {
  sql_table_name: shop.previews ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
}
