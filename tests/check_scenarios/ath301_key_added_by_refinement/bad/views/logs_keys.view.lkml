# A refinement in another file marks an existing field as a second primary key:
# the finding points here, not at the base view's file.
view: +logs {
  dimension: event_name {  # expect: ATH301
    primary_key: yes
  }
}
