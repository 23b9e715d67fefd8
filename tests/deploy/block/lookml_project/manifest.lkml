# Test block for the deploy tests: constants set from looker-ops.yaml by the deploy.

constant: CONNECTION_NAME {
  value: "athena"
  export: override_optional
}

constant: ATHENA_SCHEMA {
  value: "cloudtrail"
  export: override_optional
}

constant: CLOUDTRAIL_TABLE {
  value: "cloudtrail_logs"
  export: override_optional
}

constant: GEOIP_TABLE {
  value: "geoip_blocks"
  export: override_optional
}
