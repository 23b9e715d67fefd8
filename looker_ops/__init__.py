"""looker-ops: ship the AWS CloudTrail on Athena Looker block as code."""

__version__ = "0.1.0"
