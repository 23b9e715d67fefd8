- dashboard: merged
  title: Merged
  layout: newspaper
  filters:
  - name: Date
    type: field_filter
    explore: store_orders
    field: store_orders.created_date
    default_value: 30 days
  elements:
  - name: merged
    type: looker_line
    merged_queries:
    - model: shop
      explore: store_orders
      fields: [store_orders.created_date, store_orders.count]
    - model: shop
      explore: store_orders
      fields: [store_orders.created_date, store_orders.total]
      join_fields:
      - field_name: store_orders.created_date
        source_field_name: store_orders.created_date
    listen:
    - Date: store_orders.created_date
    - Date: store_orders.created_date
