"""A whole survey round inside the dashboard, in Debian's chromium, signed in through the test OpenID Connect
provider: a staff member takes the self-assessment with the keyboard only, leaves half-way and resumes, and
submits; the admin sees the response count rise and the live figures include the answers, and closes the
round; the staff member's My results shows their ratings and a growth plan; another staff member cannot see
them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.test_signin_e2e import free_port, sign_in, stop, wait_http, wait_idle

pytestmark = pytest.mark.e2e
ADMIN, STAFF, OTHER = "cto@district.org", "ann.lee@district.org", "p1@district.org"
OTHERS = [f"p{i}@district.org" for i in range(1, 6)]  # answer through the framework: the team needs k people


@pytest.fixture(scope="module")
def round_app(tmp_path_factory):
    """The app in signed-in mode with an open round inviting Ann Lee and five colleagues (no saved rounds)."""
    from framework import campaigns
    from framework.definitions import get_framework
    from framework.store import Store

    folder = tmp_path_factory.mktemp("round")
    db = f"sqlite:///{folder / 'dashboard.sqlite'}"
    lines = [f"{STAFF}, Ann Lee, Help Desk Technician, North High"]
    lines += [f"{e}, Person {i}, Help Desk Technician, North High" for i, e in enumerate(OTHERS, start=1)]
    fw = get_framework()
    with Store(db) as store:
        invitees, problems = campaigns.parse_invitations("\n".join(lines))
        assert not problems
        c = campaigns.create(store, ADMIN, "Spring 2027", fw, "1-4", invitees, opens_on=date(2027, 3, 1),
                             closes_on=date(2027, 3, 21))
        campaigns.open_round(store, ADMIN, c.id)
        for i, email in enumerate(OTHERS):
            for area in fw.area_ids:
                campaigns.answer(store, c.id, email, area, 1 + (i + len(area)) % 4)
            campaigns.submit(store, c.id, email)

    provider_port = free_port()
    plog = folder / "oidc.log"
    with open(plog, "wb") as out:
        provider = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(provider_port)],
                                    stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{provider_port}"
    wait_http(issuer + "/.well-known/openid-configuration", provider, plog)
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a long random string only for this test run"
client_id = "dashboard"
client_secret = "not a secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[dashboard]
admins = ["{ADMIN}"]
access_contact = "Pat Lee, the CTO"
""")
    log = folder / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--secrets.files", str(secrets),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=os.environ | {"DATABASE_URL": db, "DASHBOARD_TARGETS_PATH": str(folder / "targets.toml"),
                              "DASHBOARD_MAPPINGS_DIR": str(folder / "mappings")})
    url = f"http://localhost:{port}"
    wait_http(url + "/_stcore/health", proc, log)
    yield url, db, c.id
    stop(proc)
    stop(provider)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text


def focused(page) -> str:
    """What the keyboard is on: a radio's group label and option, or a button's or link's own text."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el) return "";
        const group = el.closest('[role="radiogroup"]');
        if (group) return group.getAttribute('aria-label') + ' | ' + (el.closest('label') || el).innerText;
        if (el.tagName === 'BUTTON' || el.tagName === 'A') return el.tagName + ' | ' + el.innerText;
        return el.tagName;
    }""")


def tab_to(page, text: str, limit: int = 120) -> None:
    """Press Tab until the keyboard is on an element whose label holds ``text`` (as a keyboard user would);
    ``"BUTTON | Next"`` is a button whose own text (after its icon) is exactly Next."""
    def there() -> bool:
        now = focused(page)
        if text.startswith("BUTTON | "):
            own = now.removeprefix("BUTTON | ").splitlines()
            return now.startswith("BUTTON | ") and bool(own) and own[-1].strip() == text.removeprefix("BUTTON | ")
        return text in now

    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if there():
            return
        seen.append(focused(page))
    raise AssertionError(f"Tab never reached {text!r}; on the way: {list(dict.fromkeys(seen))!r}")


def checked(page, area: str) -> str:
    """The level shown as chosen for an area (read from the page; nothing is clicked)."""
    radio = page.get_by_role("radiogroup", name=f"Your level in {area}").get_by_role("radio", checked=True)
    return radio.first.evaluate("el => el.closest('label').innerText") if radio.count() else ""


def choose_with_keys(page, area: str, steps_down: int) -> None:
    """Tab to the area's level choice, select its first option with Space, then move down with the arrows.
    (A rerun that lands while the keyboard is moving can take the focus away: then Tab back and go on.)"""
    for _ in range(3):
        if f"Your level in {area}" not in focused(page):
            tab_to(page, f"Your level in {area}")
        page.keyboard.press("Space")
        wait_idle(page)
        if checked(page, area):
            break
    for _ in range(steps_down):
        before = checked(page, area)
        for _ in range(3):
            if f"Your level in {area}" not in focused(page):
                tab_to(page, f"Your level in {area}")
            page.keyboard.press("ArrowDown")
            wait_idle(page)
            if checked(page, area) != before:
                break


def press_button(page, name: str) -> None:
    tab_to(page, f"BUTTON | {name}")
    page.keyboard.press("Enter")
    wait_idle(page)


def settle(page) -> None:
    """The app reruns once more just after signing in (which takes the keyboard focus back): let it."""
    page.wait_for_timeout(1500)
    wait_idle(page)


def shot(page, name: str) -> None:
    """With DASHBOARD_SCREENSHOTS set to a folder, keep a full-page screenshot there (to look at, not to test)."""
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        size = page.viewport_size
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 40, 4000))})
        page.wait_for_timeout(800)
        page.screenshot(path=os.path.join(folder, f"round-{name}.png"))
        page.set_viewport_size(size)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_a_round_from_invitation_to_growth_plan(browser, round_app):
    from framework import campaigns
    from framework.definitions import get_framework
    from framework.store import Store

    url, db, cid = round_app
    fw = get_framework()
    first = [a for a in fw.areas if a.category == fw.categories[0].id]

    # Ann signs in: the Self-assessment is her page; she answers the first category with the keyboard only
    context, page = sign_in(browser, url, STAFF)
    expect(page.get_by_role("heading", name="Self-assessment")).to_be_visible(timeout=30_000)
    settle(page)
    for area in first:
        choose_with_keys(page, area.name, 2)  # 1 -> 3 Proficient
    expect(page.get_by_text(f"{len(first)} of {len(fw.areas)} skill areas answered")).to_be_visible()
    shot(page, "1-self-assessment")
    with Store(db) as store:
        got = campaigns.response(store, cid, STAFF)
    assert got["answers"] == {a.id: 3 for a in first} and got["submitted_at"] is None
    context.close()  # she leaves half-way

    # ... and comes back in a new browser: her answers are there; she goes on with the keyboard
    context, page = sign_in(browser, url, STAFF)
    expect(page.get_by_text(f"{len(first)} of {len(fw.areas)} skill areas answered")).to_be_visible(timeout=30_000)
    checked = page.get_by_role("radiogroup", name=f"Your level in {first[0].name}").get_by_role("radio", checked=True)
    expect(checked).to_have_count(1)
    settle(page)
    press_button(page, "Next")
    for cat in fw.categories[1:]:
        for area in [a for a in fw.areas if a.category == cat.id]:
            choose_with_keys(page, area.name, 1)  # 2 Developing
        page.locator("body").focus()
        press_button(page, "Next" if cat is not fw.categories[-1] else "Review and submit")
    expect(page.get_by_role("heading", name="review and submit")).to_be_visible(timeout=30_000)
    shot(page, "2-review")
    page.locator("body").focus()
    press_button(page, "Submit my self-assessment")
    expect(page.get_by_text("Submitted. Thank you")).to_be_visible(timeout=30_000)
    shot(page, "3-submitted")
    context.close()

    # the admin: six of six submitted; the live data source shows the team's figures with Ann's answers
    context, page = sign_in(browser, url, ADMIN)
    page.goto(url + "/run")
    wait_idle(page)
    submitted = page.get_by_test_id("stMetric").filter(has_text="Submitted")
    expect(submitted).to_contain_text("6", timeout=30_000)
    shot(page, "4-run-round")
    page.get_by_test_id("stSidebar").get_by_text("Live: Spring 2027 (open)").click()
    wait_idle(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Overview").click()
    wait_idle(page)
    respondents = page.get_by_test_id("stMetric").filter(has_text="Respondents")
    expect(respondents).to_contain_text("6", timeout=30_000)
    assert "Spring 2027 (open: answers submitted so far)" in main_text(page)
    shot(page, "5-live-overview")
    # closing saves the round
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Run a survey round").click()
    wait_idle(page)
    page.get_by_role("button", name="Close the round and save its answers").click()
    wait_idle(page)
    expect(page.get_by_text("people's answers are saved as the round Spring 2027")).to_be_visible(timeout=30_000)
    context.close()

    # Ann's My results: her ratings and a growth plan
    context, page = sign_in(browser, url, STAFF)
    expect(page.get_by_role("heading", name="My results")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stTable")).to_be_visible(timeout=30_000)
    text = main_text(page)
    assert "3 Proficient" in text and "2 Developing" in text and "My growth plan" in text and "Next steps" in text
    page.wait_for_timeout(1000)  # the chart draws
    shot(page, "6-my-results")
    context.close()

    # another staff member sees their own results, never Ann's
    context, page = sign_in(browser, url, OTHER)
    expect(page.get_by_role("heading", name="My results")).to_be_visible(timeout=30_000)
    text = main_text(page)
    assert "Ann Lee" not in text and STAFF not in text
    page.goto(url + "/overview")
    wait_idle(page)
    assert "Respondents" not in main_text(page)
    context.close()
