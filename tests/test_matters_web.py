"""Matters in the web UI and the checks a security review asks for: two people in two browser
contexts (one sees the matter, the other finds it by no page or URL), the session cookie's flags, a
new session at every sign-in, CSRF tokens on the forms, and guessing keys slowed down."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD
from .test_browser import CHROMIUM, FLAGS

TOKEN = "wqzvkxjhyb"


def _sign_in(page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_one_person_sees_the_matter_and_another_finds_it_nowhere(served, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    url, _, _ = served
    statement = tmp_path / "statement.txt"
    statement.write_text(f"The employer kept my passport and never paid me. Reference {TOKEN}.\n", encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        alice = browser.new_context(base_url=url).new_page()
        bob = browser.new_context(base_url=url).new_page()

        alice.goto("/matters")
        expect(alice).to_have_url(re.compile(r"/login\?next=%2Fmatters$"))  # signed out: to the sign-in page
        _sign_in(alice, "alice")
        expect(alice).to_have_url(re.compile(r"/matters$"))
        name = f"Client {uuid.uuid4().hex[:6]}"
        alice.get_by_label("New matter").fill(name)
        alice.get_by_role("button", name="Open").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text(name)
        matter_url = alice.url
        alice.get_by_label("Add a document").set_input_files(str(statement))
        alice.get_by_role("button", name="Upload").click()
        expect(alice.locator("ul.documents li")).to_have_count(1)
        alice.get_by_role("textbox", name="Search").fill("employer kept my passport")
        alice.get_by_role("button", name="Search", exact=True).click()
        expect(alice.locator("li.matter-hit").first).to_contain_text(TOKEN)

        _sign_in(bob, "bob")
        bob.goto("/matters")
        expect(bob.locator("body")).not_to_contain_text(name)
        for path in (matter_url, f"{matter_url}/audit", f"{matter_url}?q=passport"):
            response = bob.goto(path)
            assert response.status == 404, path
            expect(bob.locator("body")).not_to_contain_text(TOKEN)
        bob.goto(f"/search?q={TOKEN}")
        expect(bob.locator("main")).not_to_contain_text(name)
        expect(bob.locator("ol.cards")).not_to_contain_text(TOKEN)  # results from the law only

        alice.goto(matter_url)
        alice.get_by_label("Add a person").fill("bob")
        alice.get_by_role("button", name="Add", exact=True).click()
        bob.goto(matter_url)
        expect(bob.get_by_role("heading", level=1)).to_have_text(name)
        expect(bob.get_by_role("button", name="Erase this matter")).to_have_count(0)  # the owner's only

        alice.goto(matter_url)
        alice.get_by_role("button", name="Erase this matter").click()
        expect(alice).to_have_url(re.compile(r"/matters$"))
        assert bob.goto(matter_url).status == 404
        browser.close()


def test_the_session_cookie_is_http_only_same_site_and_new_at_every_sign_in(served):
    url, _, _ = served
    form = {"name": "alice", "password": PASSWORD}

    def sign_in(cookie: str = "", **headers: str) -> httpx.Response:
        sent = {"Origin": url, **({"Cookie": f"haven_session={cookie}"} if cookie else {}), **headers}
        return httpx.post(f"{url}/login", data=form, headers=sent, follow_redirects=False)

    def matters(cookie: str) -> int:
        return httpx.get(
            f"{url}/matters", headers={"Cookie": f"haven_session={cookie}"}, follow_redirects=False
        ).status_code

    signed = sign_in("chosen-by-an-attacker")
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # plain http here
    token = signed.cookies["haven_session"]
    assert token != "chosen-by-an-attacker" and matters("chosen-by-an-attacker") == 303  # no fixation
    assert matters(token) == 200
    again = sign_in(token)
    assert again.cookies["haven_session"] != token and matters(token) == 303  # a new session; the old one ended
    assert "secure" in sign_in(**{"X-Forwarded-Proto": "https"}).headers["set-cookie"].lower()


def test_matter_forms_need_the_sessions_csrf_token_and_this_sites_origin(served):
    url, _, _ = served
    with httpx.Client(base_url=url, headers={"Origin": url}) as client:
        client.post("/login", data={"name": "alice", "password": PASSWORD})
        page = client.get("/matters").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        assert client.post("/matters", data={"name": "No token"}, follow_redirects=False).status_code == 403
        assert (
            client.post("/matters", data={"name": "Wrong", "csrf": "x" * 32}, follow_redirects=False).status_code == 403
        )
        foreign = client.post(
            "/matters", data={"name": "Foreign", "csrf": csrf}, headers={"Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
        made = client.post("/matters", data={"name": "With token", "csrf": csrf}, follow_redirects=False)
        assert made.status_code == 303 and made.headers["location"].startswith("/matters/")
        matter = made.headers["location"].rsplit("/", 1)[1]
        assert client.post(f"/matters/{matter}/erase", data={"csrf": csrf}).status_code == 303


def test_guessing_keys_and_passwords_is_slowed_down(matters_library):
    """After ten failures in a minute from one address, even a right key waits (429)."""
    from search_api.app import create_app

    from .serving import serving

    library, keys, _ = matters_library
    with serving(create_app(library)) as url, httpx.Client(base_url=url) as client:  # an app of its own: its own count
        statuses = [
            client.get("/api/matters", headers={"X-API-Key": f"hvn_{i:012x}_guess"}).status_code for i in range(12)
        ]
        assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
        assert client.get("/api/matters", headers={"X-API-Key": keys["alice"]}).status_code == 429
        assert client.post("/login", data={"name": "alice", "password": "guess"}).status_code == 429
    # The window is a minute: the limiter itself is tested without waiting.
    from search_api.security import FailureLimiter

    limiter = FailureLimiter(limit=2, window=0.0)
    limiter.failed("a")
    limiter.failed("a")
    limiter.check("a")  # failures older than the window are forgotten
