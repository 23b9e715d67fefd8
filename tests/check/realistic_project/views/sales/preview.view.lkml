# The sales model's own `preview` (the marketing model has another one).
view: preview {
  sql_table_name: `@{DATASET}.order_previews` ;;

  dimension: order_id {
    primary_key: yes
    sql: ${TABLE}.order_id ;;
  }

  dimension: thumbnail_url {
    sql: ${TABLE}.thumbnail_url ;;
  }
}
