"""The SEN2 statutory return: code lists, the person-level extract, export, checks, explain, summary."""
