view: +logs {
  dimension: version_number {
    type: number
    sql: TRY_CAST(${TABLE}.eventversion AS DOUBLE) ;;
  }
  dimension: has_error {
    type: yesno
    sql: ${TABLE}.errorcode IS NOT NULL ;;
  }
  dimension_group: delivered {
    type: time
    timeframes: [raw]
    sql: from_iso8601_timestamp(${TABLE}.eventtime) ;;
  }
  measure: latest_version {
    type: number
    sql: MAX(TRY_CAST(${TABLE}.eventversion AS DOUBLE)) ;;
  }
}
