- dashboard: full_settings
  title: Every dashboard setting
  layout: newspaper
  preferred_viewer: dashboards-next
  crossfilter_enabled: true
  description: All keys Looker writes
  filters_bar_collapsed: false
  filters_location_top: true
  auto_run: true
  refresh: 1 hour
  tile_size: 100
  embed_style:
    background_color: "#ffffff"
    show_title: true
  elements: []
