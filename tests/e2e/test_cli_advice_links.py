"""The advice-link commands through the real entry point (issue 20): ``advice revoke-links``,
``advice list --received-via``, and the chase's one-line note when links are not configured."""

from __future__ import annotations


def test_revoke_links_is_audited_and_refuses_a_case_without_requests(ehcp_sqlite):
    ehcp = ehcp_sqlite
    ref = ehcp.json("case", "new", "--child", "Alex Example", "--dob", "2016-05-04",
                    "--received", "2025-03-03")["reference"]
    ehcp("partner", "add", "EP Service", "--email", "ep@nhs.example")
    refused = ehcp("advice", "revoke-links", ref, code=1)
    assert f"{ref} has no advice requests" in refused.stderr
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-10")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    done = ehcp("advice", "revoke-links", ref)
    assert "advice links withdrawn for 1 request" in done.stderr
    audit = ehcp.json("audit", "show", ref)["audit"]
    assert [r["action"] for r in audit][-1] == "advice_links_revoked"


def test_list_received_via_takes_a_channel_and_says_when_it_is_unknown(ehcp_sqlite):
    assert ehcp_sqlite.json("advice", "list", "--received-via", "portal")["advice"] == []
    bad = ehcp_sqlite("advice", "list", "--received-via", "pigeon", code=1)
    assert "unknown channel 'pigeon'" in bad.stderr


def test_the_chase_says_once_that_digests_carry_no_link_without_a_base_url(ehcp_sqlite):
    quiet = ehcp_sqlite("flows", "run", "chase-advice", "--no-prefect", "--as-of", "2025-12-01",
                        EHCP_WEB_BASE_URL="https://advice.la.example")
    assert "EHCP_WEB_BASE_URL" not in quiet.stderr
    said = ehcp_sqlite("flows", "run", "chase-advice", "--no-prefect", "--as-of", "2025-12-02")
    assert said.stderr.count("EHCP_WEB_BASE_URL is not set: digests carry no advice-return link") == 1
