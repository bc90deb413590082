"""Private archives and sharing: `serve --private` shows strangers the login page and nothing
else (a real server, a real browser); `serve` prints addresses a colleague can open."""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from datasette_auth_passwords.utils import verify_password

from eventarchive.cli import cli
from eventarchive.datasette import sharing
from eventarchive.store import Store
from test_browser import browser, running  # noqa: F401  (browser is a fixture)

PASSWORD = "correct horse battery staple"
TWEET = "200 cups and counting"


def make_hash(password: str) -> str:
    """The plugin's own hash, with fewer iterations than `eventarchive password` (fast tests)."""
    from datasette_auth_passwords.utils import hash_password

    return hash_password(password, salt="c0ffee", iterations=1000)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@contextmanager
def private_server(archive_path, tmp_path, env_hash):
    workdir = tmp_path / "serve"
    workdir.mkdir()
    db = workdir / archive_path.name
    for suffix in ("", "-wal"):
        if (archive_path.parent / f"{archive_path.name}{suffix}").exists():
            shutil.copyfile(f"{archive_path}{suffix}", f"{db}{suffix}")
    shutil.copytree(archive_path.parent / "media", workdir / "media")
    env = {**os.environ, "EVENTARCHIVE_PASSWORD_HASH": env_hash}
    with running(["--db", str(db)], workdir, env=env, ready="/-/login",
                 serve_args=("--private",)) as (base, log_path):
        yield base, db.stem, log_path


@pytest.fixture
def private(archive_path, tmp_path):
    with private_server(archive_path, tmp_path, make_hash(PASSWORD)) as served:
        yield served


def test_strangers_get_the_login_page_or_403_never_data(private):
    base, db, log = private
    photo = "twitter/127369833300946952-AcUdF3yCIAAeo9Z.jpg"
    paths = ["/", f"/{db}", f"/{db}/items", f"/{db}/items.json", f"/{db}/items.csv",
             f"/{db}/search.json?q=urn", f"/{db}/search?q=urn", f"/{db}/timeline.csv",
             f"/{db}/browse.json", f"/media/{photo}", "/-/events/x", "/-/metadata.json",
             "/-/versions.json", "/-/databases.json", "/-/actor.json", "/-/password-tool",
             f"/{db}.db"]
    opener = urllib.request.build_opener(NoRedirect)
    for path in paths:
        try:
            with opener.open(f"{base}{path}", timeout=10) as r:
                pytest.fail(f"{path}: {r.status} for a stranger")
        except urllib.error.HTTPError as refused:
            body = refused.read().decode("utf-8", "replace")
            assert refused.code in (302, 403), path
            if refused.code == 302:
                assert refused.headers["Location"].endswith("/-/login"), path
            assert TWEET not in body and "twitter:" not in body, path
    with urllib.request.urlopen(f"{base}/", timeout=10) as r:  # a browser follows to the login
        assert r.url.endswith("/-/login") and 'name="password"' in r.read().decode()
    assert make_hash(PASSWORD) not in log.read_text()


def test_private_without_a_hash_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.delenv("EVENTARCHIVE_PASSWORD_HASH", raising=False)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "serve", "--private"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "eventarchive password" in result.stderr
    monkeypatch.setenv("EVENTARCHIVE_PASSWORD_HASH", "hunter2")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "serve", "--private"])
    assert result.exit_code == 2 and "hunter2" not in result.output


def test_password_prompts_twice_and_prints_a_hash_the_login_accepts():
    result = CliRunner().invoke(cli, ["password"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0
    printed = result.stdout.strip().splitlines()[-1]
    assert printed.startswith("pbkdf2_sha256$") and PASSWORD not in result.stdout
    assert verify_password(PASSWORD, printed)
    mismatch = CliRunner().invoke(cli, ["password"], input="one\ntwo\n")
    assert "pbkdf2" not in mismatch.stdout


def test_addresses_name_the_machine_never_0000():
    interfaces = ["127.0.0.1", "192.0.2.2", "::1", "fe80::1%eth0", "fd00::2", "169.254.1.1"]

    def found(host):
        return sharing.addresses(host, 8001, hostname=lambda: "hall-laptop",
                                 interfaces=lambda: interfaces)

    assert found("0.0.0.0") == ["http://hall-laptop:8001/", "http://192.0.2.2:8001/"]
    assert found("::") == ["http://hall-laptop:8001/", "http://192.0.2.2:8001/",
                           "http://[fd00::2]:8001/"]
    assert found("127.0.0.1") == ["http://127.0.0.1:8001/"]
    assert found("192.0.2.2") == ["http://192.0.2.2:8001/"]
    assert sharing.addresses("0.0.0.0", 8001, hostname=lambda: "localhost",
                             interfaces=lambda: ["127.0.0.1"]) == ["http://127.0.0.1:8001/"]
    assert all("0.0.0.0" not in url for url in sharing.addresses("0.0.0.0", 8001))


@pytest.mark.parametrize("host, private, warned", [
    ("0.0.0.0", False, True), ("192.0.2.2", False, True), ("0.0.0.0", True, False),
    ("127.0.0.1", False, False), ("localhost", False, False),
])
def test_serve_warns_when_a_public_archive_is_shared(tmp_path, monkeypatch, host, private,
                                                     warned):
    served = []
    monkeypatch.setattr("eventarchive.datasette.app.serve",
                        lambda *args, **kwargs: served.append(kwargs))
    monkeypatch.setattr(sharing, "interface_addresses", lambda: ["192.0.2.2"])
    monkeypatch.setenv("EVENTARCHIVE_PASSWORD_HASH", make_hash(PASSWORD))
    Store.open(tmp_path / "a.db").close()
    args = ["--db", str(tmp_path / "a.db"), "serve", "--host", host] + (
        ["--private"] if private else [])
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0 and served[0]["private"] is private
    assert ("Warning: this archive is not private" in result.stderr) is warned
    assert "0.0.0.0" not in result.stderr
    assert make_hash(PASSWORD) not in result.output


def test_a_stranger_sees_the_login_page_then_logs_in(browser, archive_path, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    with private_server(archive_path, tmp_path, make_hash(PASSWORD)) as (base, db, _):
        context = browser.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/{db}/search?q=urn")
            page.wait_for_url(f"{base}/-/login")
            expect(page.locator("h1")).to_have_text("Log in")
            expect(page.locator("body")).not_to_contain_text(TWEET)
            page.fill("#id_username", "archive")
            page.fill("#id_password", "wrong")
            page.click("input[type=submit]")
            expect(page.locator(".message-error")).to_contain_text("Invalid")
            page.fill("#id_username", "archive")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/{db}/search?q=urn")
            expect(page.locator(".ea-hits")).to_contain_text(TWEET)
            assert page.goto(f"{base}/-/events/lambethcoop-2011").status == 200
            expect(page.locator("h1")).to_contain_text("Lambeth")
            assert page.goto(f"{base}/media/twitter/127369833300946952-AcUdF3yCIAAeo9Z.jpg"
                             ).status == 200
        finally:
            context.close()
        # A colleague without the password, sent the same link, sees the login page only.
        other = browser.new_context()
        try:
            page = other.new_page()
            page.goto(f"{base}/{db}/search?q=urn")
            page.wait_for_url(f"{base}/-/login")
            expect(page.locator("body")).not_to_contain_text(TWEET)
        finally:
            other.close()
