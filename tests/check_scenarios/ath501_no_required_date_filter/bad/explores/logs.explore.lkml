explore: logs {  # expect: ATH501
}
