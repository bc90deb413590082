"""A real browser against the real `eventarchive serve`: search from the form, share the link.

Uses the system Chromium (never `playwright install`). Without it the test is skipped, except on
CI (CI=true), where a missing browser is a failure rather than a silent pass.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT = 30.0


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run on CI)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command() -> list[str]:
    if importlib.util.find_spec("eventarchive.__main__") is not None:
        return [sys.executable, "-m", "eventarchive"]
    script = Path(sys.executable).parent / "eventarchive"
    if not script.exists():
        pytest.fail(f"console script {script} not found; is the package installed?")
    return [str(script)]


@contextlib.contextmanager
def running(args: list[str], workdir: Path, env: dict | None = None,
            ready: str = "/-/versions.json", serve_args: tuple[str, ...] = ()):
    """`eventarchive ARGS serve SERVE_ARGS` on a free port in ``workdir``, ready when ``ready``
    answers; yields (base URL, log file). Stopped on the way out."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*_command(), *args, "serve", *serve_args, "--port", str(port)], cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}{ready}", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after {STARTUP_TIMEOUT}s:\n{log_path.read_text()}")
            time.sleep(0.05)  # poll interval, not a wait for readiness
        yield base, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def serving(source: Path, tmp_path: Path, config: str | None = None):
    """`eventarchive serve` on a copy of ``source`` (with ``config`` as its config file when
    given); yields (base URL, database name)."""
    workdir = tmp_path / "serve"  # no config/ here, so only --db (and --config) decide
    workdir.mkdir()
    db = workdir / source.name
    shutil.copyfile(source, db)
    if Path(f"{source}-wal").exists():
        shutil.copyfile(f"{source}-wal", f"{db}-wal")
    args = ["--db", str(db)]
    if config is not None:
        (workdir / "event.toml").write_text(config)
        args = ["--config", str(workdir / "event.toml"), *args]
    with running(args, workdir) as (base, _):
        yield base, db.stem


@pytest.fixture
def server(archive_path, tmp_path):
    """`eventarchive serve` on a copy of the archive; yields (base URL, database name)."""
    with serving(archive_path, tmp_path) as found:
        yield found


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def test_search_form_and_shared_link(browser, server):
    from playwright.sync_api import expect

    base, db = server
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/{db}/search")
    expect(page.locator("h1")).to_contain_text("Search the archive")

    form = page.locator(f'form[action="/{db}/search"]')
    form.get_by_label("Words to find").fill("urn")
    form.get_by_label("Event").select_option(label="Lambeth Co-op Day")
    form.get_by_role("button", name="Search").click()
    page.wait_for_url(lambda url: "q=urn" in url)

    rows = page.locator("li.ea-hit")
    expect(rows).to_have_count(2)
    expect(page.locator(".ea-hits")).to_contain_text("200 cups and counting")
    expect(page.locator(".ea-hits")).to_contain_text("Jo at the Caff")
    expect(page.locator(".ea-hits")).not_to_contain_text("Doors are open")
    expect(page).to_have_title("“urn” – search Lambeth Co-op Day")
    expect(page.locator(".message-error")).to_have_count(0)
    shared = page.url
    context.close()

    # Someone else opens the copied address: a fresh context, no cookies or history.
    other = browser.new_context()
    try:
        page = other.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(shared)
        assert response is not None and response.status == 200
        expect(page.locator("li.ea-hit")).to_have_count(2)
        expect(page.locator(".ea-hits")).to_contain_text("200 cups and counting")
        expect(page.locator('input[name="q"]')).to_have_value("urn")
    finally:
        other.close()
