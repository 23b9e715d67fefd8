constant: SCHEMA { value: "cloudtrail" }
