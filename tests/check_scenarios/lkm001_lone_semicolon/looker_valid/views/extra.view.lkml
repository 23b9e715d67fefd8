view: extra {  # a comment may hold a ; like this
  label: "Extra; with a semicolon in the text"
  dimension: a {
    type: string
    html: <span style="color: #1f77b4; font-weight: bold;">{{ rendered_value }}</span> ;;
    sql: CASE WHEN ${TABLE}.a = ';' THEN 'semicolon' ELSE ${TABLE}.a END ;;
  }
}
