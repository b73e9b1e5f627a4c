"""Rich rendering of a single case (``case show``)."""

from __future__ import annotations

from cli.output import console, rag_style


def render_case(view: dict) -> None:
    from rich.table import Table

    out = console()
    child = view["child"]
    out.print(f"[bold]{view['reference']}[/bold]  {child['name']} (born {child['dob']})  "
              f"stage: [bold]{view['stage']}[/bold]  received: {view['received']}  "
              f"caseworker: {view['caseworker'] or '-'}")
    table = Table(title=f"Deadlines as of {view['as_of']}", header_style="bold")
    for col in ("key", "due", "practical last working day", "status", "met on", "exception", "citation"):
        table.add_column(col, no_wrap=col in ("key", "due", "status", "met on"))
    for d in view["deadlines"]:
        days = (d["due"] - view["as_of"]).days
        label = d["status"] + (" (advisory)" if d["advisory"] else "")
        table.add_row(d["key"], str(d["due"]), str(d["practical_last_working_day"]), label,
                      str(d["met_on"] or ""), d["exception"] or "", d["citation"],
                      style=rag_style(days, d["status"]))
    out.print(table)
    if view["advice"]:
        advice = Table(title="Advice requests", header_style="bold")
        for col in ("kind", "partner", "requested", "body received request", "advice received"):
            advice.add_column(col)
        for a in view["advice"]:
            advice.add_row(a["kind"], a["partner"] or "", str(a["requested_on"]),
                           str(a["received_by_body_on"]), str(a["received_on"] or "outstanding"))
        out.print(advice)
    for e in view["exceptions"]:
        out.print(f"exception: {e.get('reason')} from {e['on']} to {e.get('until') or '-'}")
    for n in view["notes"]:
        out.print(f"note ({n['actor']}, {str(n['at'])[:16]}): {n['text']}")
