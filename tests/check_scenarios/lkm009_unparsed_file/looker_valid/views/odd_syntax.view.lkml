# Comments, semicolons in strings and Liquid braces in HTML are all valid LookML.
view: odd_syntax {
  sql_table_name: shop.events ;;  # a trailing comment
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: joined {
    sql: CONCAT(${TABLE}.a, ';', ${TABLE}.b) ;;
    html: <span style="color: {% if value == 'x' %}red{% else %}black{% endif %}">{{ value }}</span> ;;
  }
  dimension: quoted_label {
    label: "Label with \"quotes\" and # hash"
    sql: ${TABLE}.c ;;
  }
}
