"""Grievances and application cases: categories, routing to offices, workflows, SLA clocks."""
