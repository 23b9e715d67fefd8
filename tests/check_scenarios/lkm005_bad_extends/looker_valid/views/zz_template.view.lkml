view: zz_template {
  extension: required
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
}
view: zz_mixin {
  extension: required
  dimension: note {
    sql: ${TABLE}.note ;;
  }
}
