view: zz_base {
  sql_table_name: shop.zz ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
}
