# A block's config project: its `extension: required` views extend the core project's views,
# which only the project importing this one defines. Looker uses them only where extended.
view: logs_config {
  extends: [logs_core]
  extension: required

  dimension: is_console {
    type: yesno
    sql: ${event_name} = 'ConsoleLogin' ;;
  }
}
