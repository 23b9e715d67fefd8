explore: extra {}
