view: ext {
  extends: [logs]
  dimension: x {}
}
