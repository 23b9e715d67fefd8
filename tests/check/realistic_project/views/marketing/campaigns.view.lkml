view: campaigns {
  sql_table_name: `@{DATASET}.campaigns` ;;

  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }

  dimension: owner_id {
    hidden: yes
    sql: ${TABLE}.owner_id ;;
  }

  dimension: channel {
    case: {
      when: { sql: ${TABLE}.source = 'google' ;; label: "Search" }
      when: { sql: ${TABLE}.source IN ('facebook', 'instagram') ;; label: "Social" }
      else: "Other"
    }
  }

  dimension: budget {
    type: number
    sql: ${TABLE}.budget_micros / 1e6 ;;
  }

  measure: total_budget {
    type: sum
    sql: ${budget} ;;
  }

  measure: count {
    type: count
  }
}
