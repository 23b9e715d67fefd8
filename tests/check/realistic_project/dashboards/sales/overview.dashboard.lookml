- dashboard: sales_overview
  title: Sales overview
  layout: newspaper
  preferred_viewer: dashboards-next
  crossfilter_enabled: true
  filters:
  - name: Date
    title: Date
    type: field_filter
    default_value: 30 days
    allow_multiple_values: true
    required: false
    ui_config:
      type: relative_timeframes
      display: inline
    explore: orders
    field: orders.created_date
  - name: Region
    title: Region
    type: field_filter
    default_value: ''
    explore: orders
    field: orders.region
  elements:
  - name: revenue_by_status
    title: Revenue by status and month
    explore: orders
    type: looker_column
    fields: [orders.created_month, orders.status, orders.total_revenue, orders.count]
    pivots: [orders.status]
    fill_fields: [orders.created_month]
    sorts: [orders.status desc 0, orders.created_month desc, count 0]
    limit: 500
    column_limit: 50
    dynamic_fields:
    - category: table_calculation
      expression: "${orders.total_revenue} / ${orders.count}"
      label: Revenue per order
      table_calculation: revenue_per_order
      _kind_hint: measure
      _type_hint: number
    x_axis_gridlines: false
    y_axis_gridlines: true
    show_view_names: false
    show_y_axis_labels: true
    show_y_axis_ticks: true
    y_axis_tick_density: default
    y_axis_tick_density_custom: 5
    show_x_axis_label: true
    show_x_axis_ticks: true
    y_axis_scale_mode: linear
    x_axis_reversed: false
    y_axis_reversed: false
    plot_size_by_field: false
    trellis: ''
    stacking: normal
    limit_displayed_rows: false
    legend_position: center
    point_style: none
    show_value_labels: false
    label_density: 25
    x_axis_scale: auto
    y_axis_combined: true
    ordering: none
    show_null_labels: false
    show_totals_labels: false
    show_silhouette: false
    totals_color: "#808080"
    series_types: {}
    series_colors:
      complete - orders.total_revenue: "#1A73E8"
      returned - orders.total_revenue: "#E52592"
    hidden_fields: [orders.count]
    listen:
      Date: orders.created_date
      Region: orders.region
    row: 0
    col: 0
    width: 12
    height: 8
  - name: top_buyers
    title: Top buyers
    explore: orders
    type: looker_grid
    fields: [buyer.name, order_items.skus, orders.statuses, orders.total_revenue]
    sorts: [orders.total_revenue desc]
    limit: 25
    show_row_numbers: true
    truncate_column_names: false
    table_theme: white
    conditional_formatting_include_totals: false
    series_labels:
      buyer.name: Buyer
    listen:
      Date: orders.created_date
    row: 0
    col: 12
    width: 12
    height: 8
  - name: revenue_vs_sessions
    title: Revenue and sessions (merged)
    type: looker_line
    merged_queries:
    - model: sales
      explore: orders
      type: table
      fields: [orders.created_date, orders.total_revenue]
      sorts: [orders.created_date desc]
      limit: 500
    - model: sales
      explore: daily_sales
      type: table
      fields: [daily_sales.sale_date, daily_sales.revenue]
      limit: 500
      join_fields:
      - field_name: daily_sales.sale_date
        source_field_name: orders.created_date
    listen:
    - Date: orders.created_date
    - Date: daily_sales.sale_date
    row: 8
    col: 0
    width: 24
    height: 6
  - name: notes
    type: text
    title_text: How to read this dashboard
    body_text: Revenue is gross unless the **Net** metric is chosen.
    row: 14
    col: 0
    width: 24
    height: 2
