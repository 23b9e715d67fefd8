- dashboard: vis_settings
  title: Visualization settings
  layout: newspaper
  filters:
  - name: Date
    title: Date
    type: date_filter
    default_value: 7 days
  elements:
  - name: totals
    title: Totals
    model: m
    explore: logs
    type: looker_grid
    fields: [logs.event_date, logs.count]
    sorts: [logs.event_date desc]
    show_totals: true
    show_row_totals: true
    totals_color: "#808080"
    hidden_pivots: {}
    hidden_fields: []
    series_labels: {}
    series_types: {}
    label_density: 25
    limit_displayed_rows: false
    column_limit: 50
    note_state: collapsed
    note_display: hover
    note_text: Counts per day
    x_axis_gridlines: false
    show_view_names: false
    table_theme: white
    enable_conditional_formatting: false
    conditional_formatting_include_totals: false
    defaults_version: 1
    listen:
      Date: logs.event_date
    row: 0
    col: 0
    width: 12
    height: 6
