project_name: "shop_analytics"

# The Google Analytics block this project imports is not in the repository.
remote_dependency: ga360 {
  url: "https://github.com/example/ga360-block"
  ref: "4f1c2e0"
}

constant: DATASET {
  value: "shop-prod.analytics"
  export: override_optional
}
