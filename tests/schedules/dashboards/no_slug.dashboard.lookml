- dashboard: no_slug
  title: Without A Slug
  layout: newspaper
  elements: []
