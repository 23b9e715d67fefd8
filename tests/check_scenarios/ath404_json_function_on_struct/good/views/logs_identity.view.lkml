view: +logs {
  dimension: identity_type {
    sql: ${TABLE}.useridentity.type ;;
  }
  dimension: resource_count {
    type: number
    sql: cardinality(${TABLE}.resources) ;;
  }
  dimension: issuer_arn {
    sql: json_extract_scalar(json_format(CAST(${TABLE}.useridentity.sessioncontext.sessionissuer AS JSON)), '$.arn') ;;
  }
  dimension: group_id {
    sql: json_extract_scalar(${TABLE}.requestparameters, '$.groupId') ;;
  }
}
