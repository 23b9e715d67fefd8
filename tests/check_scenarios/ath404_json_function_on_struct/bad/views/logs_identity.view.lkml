view: +logs {
  dimension: identity_type {  # expect: ATH404
    sql: json_extract_scalar(${TABLE}.useridentity, '$.type') ;;
  }
  dimension: resource_count {  # expect: ATH404
    type: number
    sql: json_array_length(${TABLE}.resources) ;;
  }
  dimension: issuer_arn {  # expect: ATH404
    sql: json_extract_scalar(${TABLE}.useridentity.sessioncontext.sessionissuer, '$.arn') ;;
  }
  dimension: group_id {
    sql: json_extract_scalar(${TABLE}.requestparameters, '$.groupId') ;;
  }
}
