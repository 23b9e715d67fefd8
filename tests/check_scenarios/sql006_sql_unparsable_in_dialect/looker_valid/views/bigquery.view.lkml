view: bq_sessions {
  derived_table: {
    sql:
      SELECT s.id, s.user_id, h.page.pagePath AS page
      FROM `shop-prod.ga.sessions_*` AS s, UNNEST(s.hits) AS h
      WHERE _TABLE_SUFFIX BETWEEN FORMAT_DATE('%Y%m%d', DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)) AND FORMAT_DATE('%Y%m%d', CURRENT_DATE())
      QUALIFY ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY h.hitNumber) = 1 ;;
  }
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: info {
    sql: STRUCT(${TABLE}.user_id AS user, ${TABLE}.page AS page).page ;;
  }
  measure: share {
    type: number
    sql: SAFE_DIVIDE(COUNT(DISTINCT ${TABLE}.user_id), COUNT(*)) ;;
  }
}
