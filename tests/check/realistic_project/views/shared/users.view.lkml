view: users {
  sql_table_name: `@{DATASET}.users` ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: name {
    sql: CONCAT(${TABLE}.first_name, ' ', ${TABLE}.last_name) ;;
  }

  dimension: email {
    sql: LOWER(${TABLE}.email) ;;
    html: <a href="mailto:{{ value }}">{{ rendered_value }}</a> ;;
  }

  dimension: country {
    map_layer_name: countries
    sql: ${TABLE}.country ;;
  }

  dimension_group: signed_up {
    type: time
    timeframes: [raw, date, week, month, year]
    sql: ${TABLE}.created_at ;;
  }

  measure: count {
    type: count
    drill_fields: [id, name, email]
  }
}
