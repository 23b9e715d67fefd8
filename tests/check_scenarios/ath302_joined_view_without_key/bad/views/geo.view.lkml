view: geo {
  sql_table_name: @{SCHEMA}.geoip_blocks ;;
  dimension: network {}
  dimension: country { sql: ${TABLE}.country_name ;; }
}
