view: geo {
  sql_table_name: @{SCHEMA}.geoip_blocks ;;
  dimension: pk {
    primary_key: yes
    hidden: yes
    sql: ${TABLE}.network || '-' || CAST(${TABLE}.bucket AS VARCHAR) ;;
  }
  dimension: network {}
  dimension: country { sql: ${TABLE}.country_name ;; }
}
