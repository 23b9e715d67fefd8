# The marketing model's own `preview`: same name, other fields.
view: preview {
  sql_table_name: `@{DATASET}.campaign_previews` ;;

  dimension: campaign_id {
    primary_key: yes
    sql: ${TABLE}.campaign_id ;;
  }

  dimension: headline {
    sql: ${TABLE}.headline ;;
  }
}
