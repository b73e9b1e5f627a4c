"""Manager reports: SQL over the derived deadlines table and the event log, one concept per module.

overdue      overdue (and due-soon) deadlines, grouped, oldest first     ``overdue_report``
timeliness   20-week rate incl./excl. exceptions, bands, 6/16 weeks,     ``timeliness_report``
             review decisions in 4 weeks, reviews in 12 months
partners     advice league table per partner and kind                    ``partners_report``
forecast     open cases that will breach 20 weeks at the observed pace   ``forecast_report``
caseload     open cases per caseworker and stage                         ``caseload_report``
dashboard    self-contained HTML page (inline SVG from ``charts``)       ``build_dashboard``, ``render_html``
xlsx         any report as an Excel workbook                             ``write_workbook``
dialect      the date arithmetic SQLite and PostgreSQL spell differently
stats        median and 90th percentile in portable SQL
result       Report / Table / Period, the shape every report returns

Each ``*_report`` takes a read connection and returns a :class:`~ehcp.reports.result.Report`: the JSON
document, the tables to show, and a footer naming the definitions (the DfE's, sen2.md section 3).
"""
