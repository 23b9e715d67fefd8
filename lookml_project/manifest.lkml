# Project manifest of the AWS CloudTrail on Athena block.
#
# Every name that depends on an installation is a constant here. Point the block at your own
# connection, Glue database and table names by changing these values (or by overriding them in
# a project that imports this one); no view or explore needs to be edited.

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
