- dashboard: preview_fixture
  title: Preview fixture
  layout: newspaper
  elements:
  - name: note
    type: text
    title_text: A note
  - name: by_name
    title: Events by name
    model: preview_fixture
    explore: events
    type: looker_bar
    fields: [events.event_name, events.count]
    sorts: [events.count desc, events.event_name]
    limit: 5
    listen: {date: events.event_date, name: events.name_filter, region: events.region_choice}
  - name: templated
    title: Templated filter and parameter
    model: preview_fixture
    explore: events
    type: looker_grid
    fields: [events.name_matches, events.in_chosen_region, events.count]
    listen: {date: events.event_date, name: events.name_filter, region: events.region_choice}
  - name: table_calc
    title: With a table calculation
    model: preview_fixture
    explore: events
    type: looker_grid
    fields: [events.event_name, events.count, share]
    dynamic_fields: [{table_calculation: share, expression: "${events.count} / sum(${events.count})"}]
    listen: {date: events.event_date}
  - name: unknown_field
    title: Unknown field
    model: preview_fixture
    explore: events
    type: looker_grid
    fields: [events.nope, events.count]
  - name: bad_filter
    title: Bad tile filter
    model: preview_fixture
    explore: events
    type: single_value
    fields: [events.count]
    filters: {events.count: "lots"}
  - name: pivot_measure
    title: Pivot on a measure
    model: preview_fixture
    explore: events
    type: looker_grid
    fields: [events.event_name, events.count]
    pivots: [events.count]
  - name: after_bad
    title: Still runs
    model: preview_fixture
    explore: events
    type: single_value
    fields: [events.errors]
    listen: {date: events.event_date}
  filters:
  - name: date
    title: Date
    type: field_filter
    default_value: 2 days
    model: preview_fixture
    explore: events
    field: events.event_date
  - name: name
    title: Event name
    type: field_filter
    default_value: ''
    model: preview_fixture
    explore: events
    field: events.name_filter
  - name: region
    title: Region
    type: field_filter
    default_value: ''
    model: preview_fixture
    explore: events
    field: events.region_choice
