view: orders {
  sql_table_name: `@{DATASET}.orders` ;;

  parameter: revenue_metric {
    type: unquoted
    allowed_value: { label: "Gross" value: "gross_amount" }
    allowed_value: { label: "Net" value: "net_amount" }
    default_value: "gross_amount"
  }

  filter: region_filter {
    type: string
  }

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: status {
    sql: ${TABLE}.status ;;
  }

  dimension: region {
    sql: IFNULL(${TABLE}.region, 'unknown') ;;
  }

  dimension: is_big {
    type: yesno
    sql: ${TABLE}.gross_amount > 1000 ;;
  }

  dimension: tags {
    sql: ARRAY_TO_STRING(${TABLE}.tags, ', ') ;;
  }

  dimension: buyer_label {
    # A view used through `join: buyer { from: users }` may say ${buyer.field}.
    sql: CONCAT(${buyer.name}, ' (', CAST(${TABLE}.user_id AS STRING), ')') ;;
  }

  dimension: amount {
    type: number
    sql: {% if orders.revenue_metric._parameter_value == 'net_amount' %} ${TABLE}.net_amount {% else %} ${TABLE}.gross_amount {% endif %} ;;
  }

  dimension: sales_rep_only {
    sql: CASE WHEN '{{ _user_attributes['sales_region'] }}' = ${TABLE}.region THEN ${TABLE}.rep ELSE NULL END ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, time, date, week, month, quarter, year]
    sql: TIMESTAMP(${TABLE}.created_at) ;;
  }

  measure: count {
    type: count
    drill_fields: [id, status, created_date]
  }

  measure: total_revenue {
    type: sum
    value_format_name: usd
    sql: ${amount} ;;
  }

  measure: big_orders {
    type: count
    filters: [is_big: "yes", status: "-cancelled"]
  }

  measure: statuses {
    type: list
    list_field: status
  }

  measure: revenue_in_window {
    type: sum
    sql: CASE WHEN ${created_raw} >= {% date_start orders.created_date %} THEN ${amount} END ;;
  }

  measure: filtered_regions {
    type: string
    sql: '{{ _filters['orders.region'] | sql_quote }}' ;;
  }
}
