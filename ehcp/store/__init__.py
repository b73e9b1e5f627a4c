"""Persistence: the SQLAlchemy models, the unit of work and its repositories, and the read path.

    uow.UnitOfWork     one transaction per command; ``with ctx.uow() as uow: ... uow.commit()``
    cases              CaseRepository: cases and children (``get(ref, lock=True)`` locks the row)
    event_log          EventRepository (the event log, the source of truth), DeadlineRepository
                       (the derived deadlines table, kept in step with the log)
    people             UserRepository (users, teams), FlagRepository (permission enforcement)
    partners           PartnerRepository, AdviceRequestRepository
    calendars          CalendarRepository: extra holidays, settings and their closures
    records            NoteRepository, AuditRepository (over the hash-chained ``audit``)
    sen2_records       Sen2Repository: placements and SEN types of need
    reads              Core-only read queries for fast commands, and STATUS_SQL (the domain's
                       deadline status rule in SQL)
    db, migrate, backup, errors   engine set-up, Alembic, backups, database errors in one line
"""
