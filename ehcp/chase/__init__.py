"""The nightly chase: reminders queued in a ledger, then one digest per recipient, never sent twice.

    config     the escalation ladder, child fields, schedules (``ehcp.toml`` [chase], environment)
    kind       ``NightKind``: what differs between kinds of night; ``NightPlan`` and ``Digest``
    advice     ADVICE_CHASE: partners' open advice requests, up the ladder (reg 8(1))
    deadlines  DEADLINE_DIGEST: caseworkers' deadlines due soon or overdue, managers' teams'
    claim      claiming queued rows and building one digest per recipient
    deliver    sending digests and recording the outcome; the run's report
    night      one night of any kind: ``run_night`` and the steps the Prefect flows call
    render     plain-text pieces of a digest (tables, timings, the child's permitted fields)

Every SQL statement of the chase is in ``ehcp.store.ledger``; this package imports no SQLAlchemy.
"""
