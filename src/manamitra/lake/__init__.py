"""The data lake: domain events as Parquet, DuckDB over them, dashboards and open data."""
