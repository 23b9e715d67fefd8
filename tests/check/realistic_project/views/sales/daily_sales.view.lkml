view: daily_sales {
  derived_table: {
    increment_key: "sale_date"
    increment_offset: 3
    datagroup_trigger: nightly
    sql:
      WITH ranked AS (
        SELECT
          DATE(o.created_at) AS sale_date,
          o.region,
          SUM(o.gross_amount) AS revenue,
          ROW_NUMBER() OVER (PARTITION BY DATE(o.created_at) ORDER BY SUM(o.gross_amount) DESC) AS rn
        FROM `@{DATASET}.orders` AS o,
          UNNEST(o.tags) AS tag
        WHERE {% incrementcondition %} DATE(o.created_at) {% endincrementcondition %}
          AND o.created_at >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 400 DAY)
        GROUP BY 1, 2
        QUALIFY rn <= 10
      )
      SELECT sale_date, region, revenue, SAFE_DIVIDE(revenue, SUM(revenue) OVER (PARTITION BY sale_date)) AS share
      FROM ranked ;;
  }

  dimension: pk {
    primary_key: yes
    hidden: yes
    sql: CONCAT(CAST(${TABLE}.sale_date AS STRING), ${TABLE}.region) ;;
  }

  dimension_group: sale {
    type: time
    datatype: date
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.sale_date ;;
  }

  dimension: region {
    sql: ${TABLE}.region ;;
  }

  measure: revenue {
    type: sum
    sql: ${TABLE}.revenue ;;
  }

  measure: average_share {
    type: average
    value_format_name: percent_1
    sql: ${TABLE}.share ;;
  }
}
