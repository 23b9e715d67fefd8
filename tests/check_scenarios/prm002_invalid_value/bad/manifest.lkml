constant: SCHEMA {
  value: "cloudtrail"
  export: block  # expect: PRM002
}
