view: liquid_tags {
  sql_table_name: {% assign t = 'shop.events' %}{{ t }} ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: bucket {
    sql: {% case _user_attributes['region'] %}{% when 'eu', 'uk' %}${TABLE}.eu_bucket{% else %}${TABLE}.bucket{% endcase %} ;;
  }
  dimension: captured {
    sql: {% capture col %}${TABLE}.c{% endcapture %}{{ col }} ;;
  }
  dimension: looped {
    sql: {% for x in (1..2) %}{% endfor %}{% comment %} ignored {% endcomment %}${TABLE}.l ;;
  }
  dimension: timezone_label {
    sql: '{{ _query._query_timezone }}' ;;
  }
}
