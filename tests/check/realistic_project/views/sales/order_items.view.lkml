view: order_items {
  sql_table_name: `@{DATASET}.order_items` ;;

  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }

  dimension: order_id {
    hidden: yes
    sql: ${TABLE}.order_id ;;
  }

  dimension: sku {
    sql: ${TABLE}.sku ;;
  }

  dimension: sale_price {
    type: number
    sql: SAFE_CAST(${TABLE}.sale_price AS NUMERIC) ;;
  }

  measure: total_sale_price {
    type: sum
    sql: ${sale_price} ;;
  }

  measure: skus {
    type: list
    list_field: sku
  }
}
