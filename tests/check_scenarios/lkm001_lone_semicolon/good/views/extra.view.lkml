view: extra {  # a comment may hold a ; like this
  label: "Extra; with a semicolon in the text"
  dimension: a {
    type: string
    sql: CASE WHEN ${TABLE}.a = ';' THEN 'semicolon' ELSE ${TABLE}.a END ;;
  }
}
