"""``ehcp web serve``: the advice-return pages (issue 20), behind the council's reverse proxy.

Starlette and uvicorn are imported inside the command: no other command pays for them at start-up.
"""

from __future__ import annotations

import typer

from cli.common import refusals, settings
from cli.output import info

app = typer.Typer(help="The advice-return pages partners reach from the links in their digests.",
                  no_args_is_help=True)


@app.command("serve")
@refusals
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (the reverse proxy's side)."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", "--forwarded-allow-ips",
        help="Proxies trusted for X-Forwarded-For/-Proto (the client address the rate limit counts)."),
) -> None:
    """Serve the advice-return links: GET and POST /advice-return/<token> (and /advice-return/health).

    Plain HTTP on HOST:PORT; TLS is the reverse proxy's, which should expose /advice-return/ only.
    Links in digests need web_base_url (EHCP_WEB_BASE_URL) set to the public address of that path's host.

    Example: ehcp web serve --host 127.0.0.1 --port 8080
    """
    import uvicorn

    from ehcp.web.app import create_app

    cfg = settings()
    application = create_app(cfg)
    if not cfg.web_base_url:
        info("note: EHCP_WEB_BASE_URL is not set: digests carry no advice-return link")
    info(f"serving advice-return links on http://{host}:{port}/advice-return/ (Ctrl-C stops)")
    uvicorn.run(application, host=host, port=port, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                log_level="warning", access_log=False, server_header=False)
