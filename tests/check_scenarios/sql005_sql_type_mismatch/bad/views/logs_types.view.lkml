view: +logs {
  dimension: version_number {  # expect: SQL005
    type: number
    sql: ${TABLE}.eventversion ;;
  }
  dimension: has_error {  # expect: SQL005
    type: yesno
    sql: length(${TABLE}.errorcode) ;;
  }
  dimension_group: delivered {  # expect: SQL005
    type: time
    timeframes: [raw]
    sql: ${TABLE}.eventtime ;;
  }
  measure: latest_version {  # expect: SQL005
    type: number
    sql: MAX(${TABLE}.eventversion) ;;
  }
}
