- dashboard: notes
  title: "Notes: read me"
  layout: newspaper
  elements:
  - name: help
    type: text
    title_text: 'Help'
    body_text: |
      Lines of **Markdown**: colons: fine, # not a comment here,
      and "quotes".
    row: 0
    col: 0
    width: 24
    height: 4
