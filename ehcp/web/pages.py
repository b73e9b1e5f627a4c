"""The advice-return pages as HTML, after the GOV.UK Design System's patterns where they fit: a
label for every field, the date input as day, month and year, an error summary at the top linking to
each field in error, plain buttons and links (keyboard use, no JavaScript). Every value is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from ehcp.services.advice_portal import LinkView

_KIND = {"educational": "Educational advice", "medical": "Medical (health) advice",
         "psychological": "Psychological advice", "social_care": "Social care advice",
         "parent": "Parent's advice", "other": "Advice"}

_STYLE = """
body{margin:0;font-family:arial,sans-serif;font-size:19px;line-height:1.3;color:#0b0c0c;background:#fff}
header{background:#0b0c0c;color:#fff;padding:10px 15px;font-weight:bold}
main{max-width:640px;margin:0 auto;padding:20px 15px}
h1{font-size:32px;margin:20px 0}
h2{font-size:24px}
a{color:#1d70b8}a:focus,input:focus,button:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:8px 20px;border-bottom:1px solid #b1b4b6;padding-bottom:15px}
dt{font-weight:bold}dd{margin:0}
fieldset{border:0;padding:0;margin:0 0 20px}
legend{font-weight:bold;font-size:24px;margin-bottom:10px}
label{display:block;font-weight:bold;margin-bottom:5px}
.hint{color:#505a5f;margin-bottom:10px}
.date{display:inline-block;margin-right:20px}
input[type=text]{font-size:19px;padding:5px;border:2px solid #0b0c0c;width:3.5em}
input.year{width:5em}
input[type=file]{font-size:19px;margin-bottom:20px}
.group{margin-bottom:30px}
.group.error{border-left:5px solid #d4351c;padding-left:15px}
.error-message{color:#d4351c;font-weight:bold;display:block;margin-bottom:10px}
input.error{border-color:#d4351c}
.summary{border:5px solid #d4351c;padding:15px;margin-bottom:30px}
.summary h2{margin-top:0}.summary a{color:#d4351c;font-weight:bold}
button{font-size:19px;background:#00703c;color:#fff;border:0;padding:8px 10px;box-shadow:0 2px 0 #002d18;cursor:pointer}
.panel{background:#00703c;color:#fff;padding:25px;text-align:center;margin-bottom:20px}
.panel h1{margin:0 0 10px}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;overflow:hidden;clip:rect(0 0 0 0)}
"""


def layout(title: str, body: str, *, error: bool = False) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer">'
            f"<title>{'Error: ' if error else ''}{escape(title)} - EHC needs assessment advice</title>"
            f"<style>{_STYLE}</style></head><body>"
            f'<header role="banner">EHC needs assessment advice</header>'
            f'<main id="main-content" role="main">{body}</main></body></html>\n')


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "-"


def _summary_list(view: LinkView) -> str:
    rows = [("Case reference", view.reference), ("Child", view.initials or "-"),
            ("Date of birth", long_date(view.dob)), ("Advice", _KIND.get(view.kind, view.kind)),
            ("Requested", long_date(view.requested_on)), ("Due", long_date(view.due))]
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows) + "</dl>"


def form_page(view: LinkView, csrf: str, *, errors: Sequence[tuple[str, str]] = (),
              values: dict[str, str] | None = None) -> str:
    """The request and the form. ``errors`` are (field id, message) pairs, ``values`` what was typed."""
    values = values or {}
    by_field = dict(errors)
    summary = ""
    if errors:
        items = "".join(f'<li><a href="#{escape(f)}">{escape(m)}</a></li>' for f, m in errors)
        summary = (f'<div class="summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">'
                   f'<h2 id="error-summary-title">There is a problem</h2><ul>{items}</ul></div>')
    date_error = by_field.get("sent-day")
    file_error = by_field.get("advice-file")

    def part(name: str, label: str, css: str = "") -> str:
        klass = " ".join(c for c in (css, "error" if date_error else "") if c)
        return (f'<div class="date"><label for="sent-{name}">{label}</label>'
                f'<input type="text" id="sent-{name}" name="sent-{name}" inputmode="numeric" '
                f'class="{klass}" value="{escape(values.get("sent-" + name, ""))}"></div>')

    described = "sent-hint" + (" sent-error" if date_error else "")
    date_group = (f'<div class="group{" error" if date_error else ""}">'
                  f'<fieldset role="group" aria-describedby="{described}">'
                  f"<legend>When was the advice sent?</legend>"
                  f'<div id="sent-hint" class="hint">For example, 27 3 2025. It cannot be in the future '
                  f"or before the request was made.</div>"
                  + (f'<span id="sent-error" class="error-message">'
                     f'<span class="visually-hidden">Error: </span>{escape(date_error)}</span>' if date_error else "")
                  + part("day", "Day") + part("month", "Month") + part("year", "Year", "year")
                  + "</fieldset></div>")
    file_group = (f'<div class="group{" error" if file_error else ""}">'
                  f'<label for="advice-file">Upload the advice (optional)</label>'
                  f'<div id="file-hint" class="hint">A PDF or Word document (DOCX).</div>'
                  + (f'<span id="file-error" class="error-message">{escape(file_error)}</span>' if file_error else "")
                  + f'<input type="file" id="advice-file" name="advice-file" accept=".pdf,.docx" '
                  f'aria-describedby="file-hint{" file-error" if file_error else ""}"></div>')
    body = (summary + "<h1>Confirm the advice has been sent</h1>"
            f"<p>The SEN team asked {escape(view.partner or 'your service')} for advice for an education, "
            "health and care needs assessment.</p>" + _summary_list(view)
            + f'<form method="post" enctype="multipart/form-data" novalidate>'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            + date_group + file_group
            + '<button type="submit">Confirm advice sent</button></form>')
    return layout("Confirm the advice has been sent", body, error=bool(errors))


def confirmation_page(view: LinkView, sent_on: date, file_sha256: str | None) -> str:
    stored = (f"<p>The file was received (SHA-256 <code>{escape(file_sha256)}</code>).</p>"
              if file_sha256 else "<p>No file was uploaded: please make sure the SEN team has the advice.</p>")
    body = (f'<div class="panel"><h1>Advice recorded</h1>'
            f"<p>Case reference<br><strong>{escape(view.reference)}</strong></p></div>"
            f"<p>{escape(_KIND.get(view.kind, view.kind))} sent on {escape(long_date(sent_on))} has been recorded. "
            "The reminders for this request have stopped and the caseworker has been told.</p>" + stored
            + "<p>You can close this page.</p>")
    return layout("Advice recorded", body)


_REFUSALS = {
    "invalid": ("This link is not valid", ("Check you copied the whole link from the e-mail. If it still does "
                "not work, reply to the e-mail instead, quoting the case reference.")),
    "revoked": ("This link has been withdrawn", ("The SEN team has withdrawn this link. Use the link in your "
                "latest digest e-mail, or reply to the e-mail quoting the case reference.")),
    "expired": ("This link has expired", ("Reply to the e-mail instead, quoting the case reference, or use the "
                "link in your latest digest.")),
    "used": ("The advice has already been recorded", ("Nothing more is needed: the advice for this request was "
             "recorded earlier. If you need to send a correction, reply to the e-mail quoting the case reference.")),
    "closed": ("This request is no longer open", ("The SEN team no longer needs this advice. Reply to the e-mail "
               "if you think this is wrong.")),
    "csrf": ("Your form could not be sent", ("The form had expired or did not come from this page. Nothing has "
             "been recorded. Open the link from the e-mail again and resubmit.")),
    "busy": ("Too many attempts", ("There have been too many attempts with this link or from your network. "
             "Nothing has been recorded. Wait an hour and try again.")),
    "too_large": ("The file is too large", "Nothing has been recorded. Go back and choose a smaller file."),
    "bad_form": ("Your form could not be read", "Nothing has been recorded. Open the link from the e-mail again."),
}


def refusal_page(why: str, detail: str | None = None) -> str:
    title, text = _REFUSALS[why]
    extra = f"<p>{escape(detail)}</p>" if detail else ""
    return layout(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{extra}")


def not_found_page() -> str:
    return layout("Page not found", "<h1>Page not found</h1><p>Use the link in your e-mail.</p>")
