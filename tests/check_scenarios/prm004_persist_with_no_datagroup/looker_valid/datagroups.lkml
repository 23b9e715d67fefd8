datagroup: nightly {
  label: "Nightly"
  description: "Rebuilt every night, after the CloudTrail delivery settles."
  sql_trigger: SELECT current_date ;;
  max_cache_age: "24 hours"
}

datagroup: hourly {
  interval_trigger: "1 hour"
  max_cache_age: "2 hours"
}
