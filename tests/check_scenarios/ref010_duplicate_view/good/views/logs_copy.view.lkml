view: +logs {
  label: "Events"
}
