# A file no model includes (a draft kept in the repository): Looker checks it only where a
# model includes it, so its extends of a view defined nowhere is not an error.
view: old_logs {
  extends: [logs_v0]
}
