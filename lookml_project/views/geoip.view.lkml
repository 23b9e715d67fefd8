# IP geolocation ranges (GeoIP2 CSV turned into integer ranges by `looker-ops geoip build`).
# IPv4 networks are expanded into one row per /16 bucket they cover, so an address is found
# with an equality on `bucket` plus a range test: a cheap hash join on Athena. A network and a
# bucket identify a row, which is the primary key; networks do not overlap, so an address
# matches at most one row and the join from cloudtrail_logs never repeats an event.

view: geoip {
  sql_table_name: @{ATHENA_SCHEMA}.@{GEOIP_TABLE} ;;
  label: "Source IP"

  dimension: pk {
    primary_key: yes
    hidden: yes
    type: string
    description: "The /16 bucket and the network (IPv6 rows have no bucket)."
    sql: COALESCE(CAST(${TABLE}.bucket AS VARCHAR), '-') || '|' || ${TABLE}.network ;;
  }

  dimension: network {
    description: "Network (CIDR) the source address belongs to."
    type: string
    sql: ${TABLE}.network ;;
  }

  dimension: ip_version {
    hidden: yes
    type: number
    sql: ${TABLE}.ip_version ;;
  }

  dimension: bucket {
    hidden: yes
    type: number
    sql: ${TABLE}.bucket ;;
  }

  dimension: ip_start {
    hidden: yes
    type: number
    sql: ${TABLE}.ip_start ;;
  }

  dimension: ip_end {
    hidden: yes
    type: number
    sql: ${TABLE}.ip_end ;;
  }

  dimension: country_code {
    label: "Country Code"
    type: string
    map_layer_name: countries
    sql: ${TABLE}.country_iso_code ;;
  }

  dimension: country {
    type: string
    sql: ${TABLE}.country_name ;;
    drill_fields: [region, city]
  }

  dimension: region {
    label: "Region / State"
    type: string
    sql: ${TABLE}.subdivision_1_name ;;
    drill_fields: [city]
  }

  dimension: city {
    type: string
    sql: ${TABLE}.city_name ;;
  }

  dimension: latitude {
    hidden: yes
    type: number
    sql: ${TABLE}.latitude ;;
  }

  dimension: longitude {
    hidden: yes
    type: number
    sql: ${TABLE}.longitude ;;
  }

  dimension: location {
    description: "Approximate location of the source address (for map visualizations)."
    type: location
    sql_latitude: ${TABLE}.latitude ;;
    sql_longitude: ${TABLE}.longitude ;;
  }
}
