view: callers {
  derived_table: {
    sql: SELECT 'ci-deployer' AS name, 'platform' AS team
         UNION ALL SELECT 'alice', 'security' ;;
  }
  dimension: name {
    primary_key: yes
    sql: ${TABLE}.name ;;
  }
  dimension: team {
    sql: ${TABLE}.team ;;
  }
}

view: teams {
  derived_table: {
    sql: SELECT 'platform' AS team, 'Platform Engineering' AS team_title
         UNION ALL SELECT 'security', 'Security' ;;
  }
  dimension: team {
    primary_key: yes
    sql: ${TABLE}.team ;;
  }
  dimension: team_title {
    sql: ${TABLE}.team_title ;;
  }
}
