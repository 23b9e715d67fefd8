connection: "athena"
label: "CloudTrail activity"
include: "/views/*.view.lkml"
include: "/explores/*.explore.lkml"
include: "/datagroups.lkml"

fiscal_month_offset: 3
week_start_day: monday
case_sensitive: no
persist_with: nightly

named_value_format: big_count {
  value_format: "[>=1000000]0.0,,\"M\";[>=1000]0.0,\"K\";0"
  strict_value_format: no
}

access_grant: can_see_accounts {
  user_attribute: security_team
  allowed_values: ["yes"]
}
