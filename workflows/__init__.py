"""Prefect flows and their schedules (``workflows.chase``, ``workflows.schedule``).

Importing this package does not import Prefect: ``workflows.runtime`` prepares Prefect's
environment first and is safe to import anywhere.
"""
