# ga_sessions is defined in the ga360 dependency; this project refines it.
view: +ga_sessions {
  dimension: is_mobile {
    type: yesno
    sql: ${device_category} = 'mobile' ;;
  }

  measure: mobile_sessions {
    type: count
    filters: [is_mobile: "yes"]
  }
}
