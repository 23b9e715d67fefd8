view: extra {
  label: "Extra"; # expect: LKM001
  dimension: a {
    type: string
    sql: CASE WHEN ${TABLE}.a = ';' THEN 'semicolon' ELSE ${TABLE}.a END ;;
  }
}
