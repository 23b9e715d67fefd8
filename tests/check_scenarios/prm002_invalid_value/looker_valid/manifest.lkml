constant: SCHEMA {
  value: "cloudtrail"
  export: override_optional
}
