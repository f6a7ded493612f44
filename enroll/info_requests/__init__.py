"""Requests for government information (依申请公开) under the 2019 条例: receipt, the statutory clock,
decisions, reply letters, and the purge of requesters' personal data."""
