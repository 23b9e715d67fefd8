view: order_facts {
  derived_table: {
    datagroup_trigger: nightly
    create_process: {
      sql_step: CREATE TABLE ${SQL_TABLE_NAME} (user_id INT64, lifetime_orders INT64) ;;
      sql_step: INSERT INTO ${SQL_TABLE_NAME}
        SELECT user_id, COUNT(*) FROM `@{DATASET}.orders` GROUP BY user_id ;;
    }
  }

  dimension: user_id {
    primary_key: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: lifetime_orders {
    type: number
    sql: ${TABLE}.lifetime_orders ;;
  }

  dimension: lifetime_tier {
    type: tier
    tiers: [1, 2, 5, 10]
    style: integer
    sql: ${lifetime_orders} ;;
  }
}
