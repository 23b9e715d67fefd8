"""The `alerts` verb: evaluate alerts on your own logs (the Looker side is looker_ops.looker.alerts)."""
