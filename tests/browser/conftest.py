"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Select them with `pytest -m browser`; leave them out with `pytest -m "not browser"`.

The live server needs the transactional database, which is flushed after each test: every
test loads the declaration, the role groups and the demo users and data afresh, and once the
browser tests are done the declaration and roles are put back as the session set them up.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.db import connection
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from commitments.loading import declaration_data_read
from commitments.models import Commitment
from commitments.services import roles_sync
from declaration.demo import demo_seed
from declaration.loading import declaration_load

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "browser-demo-pass-2025"
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real-browser test (Playwright and Chromium)")


def _declaration_and_roles() -> None:
    if not Commitment.objects.exists():
        declaration_load(data=declaration_data_read())
    roles_sync()


@pytest.fixture(scope="package", autouse=True)
def _async_unsafe_allowed() -> Iterator[None]:
    """Django's ORM calls allowed in the browser tests' thread, for these tests only.

    Playwright's sync API runs an event loop in the test thread while a browser is open;
    Django then refuses ORM calls from that thread unless told that this is safe (it is: the
    loop only drives the browser). Outside this package the variable is as it was, so any
    other test that touched the ORM from a running event loop is still refused.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package", autouse=True)
def _declaration_restored(
    _async_unsafe_allowed, django_db_setup, django_db_blocker
) -> Iterator[None]:
    """After the last browser test's flush, leave the database as the session set it up."""
    yield
    with django_db_blocker.unblock():
        _declaration_and_roles()


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed) -> Iterator[Browser]:
    """Chromium, closed with the last browser test: its event loop ends with it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Site:
    """The live server with the demo data in it, and browser contexts opened on it."""

    url: str
    browser: Browser
    password: str = DEMO_PASSWORD
    js_errors: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def context(self, viewport: dict | None = None) -> BrowserContext:
        """A fresh context whose pages report every JavaScript error to `js_errors`."""
        context = self.browser.new_context(base_url=self.url, viewport=viewport or DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def page(self, username: str | None = None, viewport: dict | None = None) -> Page:
        """A page in a fresh context, logged in as `username` if one is given."""
        page = self.context(viewport).new_page()
        if username:
            self.login(page, username)
        return page

    def login(self, page: Page, username: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(self.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.url}/")

    def _watch(self, page: Page) -> None:
        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.js_errors.append(f"{page.url}: console error: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda error: self.js_errors.append(f"{page.url}: {error}"))


def _database_quiet(timeout: float = 15) -> None:
    """Wait until no other connection to the test database is busy: a request the browser
    started (a chart's data, an htmx fragment) may still be running on the live server when
    its page is closed, and the flush after the test would deadlock with it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)


@pytest.fixture
def site(live_server, browser) -> Iterator[Site]:
    _declaration_and_roles()
    demo_seed(password=DEMO_PASSWORD)
    site = Site(url=live_server.url, browser=browser)
    yield site
    for context in site.contexts:
        for page in context.pages:
            # What the page still fetches (a chart's data) ends before the test's database goes.
            with contextlib.suppress(PlaywrightError):
                page.wait_for_load_state("networkidle", timeout=10_000)
        context.close()
    _database_quiet()
    assert site.js_errors == [], "JavaScript errors in the browser:\n" + "\n".join(site.js_errors)


@pytest.fixture
def page_as(site) -> Callable[..., Page]:
    return site.page
