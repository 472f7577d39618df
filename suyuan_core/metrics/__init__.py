"""Metrics: the core's definitions, periods, rollups kept in the writing transaction, figures,
drill-downs and verification."""
