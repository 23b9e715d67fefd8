view: ext {
  extends: [log]  # expect: LKM005
  dimension: x {}
}
