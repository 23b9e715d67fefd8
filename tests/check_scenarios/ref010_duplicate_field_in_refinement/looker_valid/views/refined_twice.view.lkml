view: refined_twice {
  sql_table_name: shop.r ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
}
view: +refined_twice {
  dimension: id {
    label: "ID"
  }
}
view: +refined_twice {
  dimension: id {
    description: "the key"
  }
}
