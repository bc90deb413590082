"""Config files: a good one loads; every mistake names the file, the key and the expected form."""

from pathlib import Path

import pytest

from eventarchive import config
from eventarchive.errors import ConfigError

DEMO = Path(__file__).parent.parent / "config" / "demo.toml"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "config" / "eventarchive.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_config_loads_with_times_in_utc_and_paths_from_the_project_folder():
    cfg = config.load(DEMO)
    event = cfg.event("lambethcoop-2011")
    assert event.starts_at == "2011-10-21T08:00:00+00:00"
    assert event.utc_offset == "+01:00"  # the local time the story page shows
    assert event.ends_at == "2011-10-21T16:00:00+00:00"
    assert event.hashtags == ["lambethcoop", "coproduction"]
    assert event.sessions[1].title == "World cafe"
    assert event.sessions[1].starts_at == "2011-10-21T09:00:00+00:00"
    assert cfg.database == DEMO.parent.parent.resolve() / "data" / "demo.db"


def test_db_option_overrides_the_config(tmp_path):
    path = write(tmp_path, 'database = "data/x.db"\n')
    assert config.load(path, tmp_path / "other.db").database == tmp_path / "other.db"


def test_no_config_file_is_fine_with_defaults_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = config.load(None, tmp_path / "a" / "archive.db")
    assert cfg.events == []
    assert cfg.media_dir == tmp_path / "a" / "media"


def test_a_named_config_that_does_not_exist_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match="eventarchive init"):
        config.load(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[events]]\nslug = "x"\nstarts_at = "2011-10-21T09:00:00"\n',
         r"events\.x\.starts_at: '2011-10-21T09:00:00' is not an ISO 8601 time with a UTC offset"),
        ('[[events]]\nslug = "x"\nstarts_at = "yesterday"\n', r"events\.x\.starts_at"),
        ('[[events]]\nname = "no slug"\n', r"events\[0\]\.slug: expected lower-case"),
        ('[[events]]\nslug = "Bad Slug"\n', r"slug: expected lower-case"),
        ('[[events]]\nslug = "x"\nhashtag = ["typo"]\n', r"events\.x\.hashtag: unknown key"),
        ('[[events]]\nslug = "x"\nhashtags = "one"\n', r"events\.x\.hashtags: expected a list"),
        ('[[events]]\nslug = "x"\naccounts = { myspace = ["a"] }\n',
         r"accounts\.myspace: unknown platform"),
        ('[sources.myspace]\n', r"sources\.myspace: unknown source; expected one of bluesky"),
        ('databse = "x.db"\n', r"databse: unknown key"),
        ('[[events]]\nslug = "x"\n[[events]]\nslug = "x"\n', r"slug 'x' is used twice"),
        ('[[events]]\nslug = "x"\nstarts_at = "2011-10-21T09:00:00Z"\n'
         'ends_at = "2011-10-20T09:00:00Z"\n', r"ends_at: is before starts_at"),
        ('[[events]]\nslug = "x"\nsessions = [{ starts_at = "2011-10-21T09:00:00Z" }]\n',
         r"sessions\[0\]\.title: missing"),
        ("database = \n", r"not valid TOML"),
        ("[fetch]\ntimeout = \"30\"\n", r"fetch\.timeout: expected a number"),
        ("[fetch]\nretry = 3\n", r"fetch\.retry: unknown key"),
        ("[fetch]\ntimeout = -1\n", r"fetch\.timeout: expected seconds above 0, .* got -1"),
        ("[fetch]\ntimeout = 1e300\n", r"fetch\.timeout: expected seconds above 0"),
        ("[fetch]\ntimeout = nan\n", r"fetch\.timeout: expected seconds above 0"),
        ("[fetch]\ndeadline = 0\n", r"fetch\.deadline: expected seconds above 0"),
        ("[fetch]\ndeadline = inf\n", r"fetch\.deadline: expected seconds above 0"),
        ("[fetch]\ndeadline = \"2m\"\n", r"fetch\.deadline: expected a number"),
        ("[fetch]\nmax_redirects = -1\n", r"fetch\.max_redirects: expected a whole number from 0"),
        ("[fetch]\nmax_bytes = -5\n", r"fetch\.max_bytes: expected a number of bytes above 0"),
        ("[fetch]\nretries = 100\n", r"fetch\.retries: expected a whole number from 0 to 20"),
        ("[fetch]\nmax_wait = inf\n", r"fetch\.max_wait: expected seconds from 0"),
        ("[sources.twitter]\nbase-url = \"http://x\"\n", r"sources\.twitter\.base-url: unknown"),
        ("[sources.mastodon]\ninstances = [\"ftp://mastodon.social\"]\n",
         r"sources\.mastodon\.instances: expected a list of http\(s\) addresses"),
        ("[sources.mastodon]\ninstances = \"https://mastodon.social\"\n",
         r"sources\.mastodon\.instances: expected a list of http\(s\) addresses"),
        ("[sources.wayback]\nbase_ulr = \"https://web.archive.org\"\n",
         r"sources\.wayback\.base_ulr: unknown key; expected one of base_url, availability_url"),
        ("[sources.wordpress]\nwpcom = \"https://x\"\n", r"sources\.wordpress\.wpcom: unknown key"),
        ("[sources.flickr]\nper_page = 0\n", r"sources\.flickr\.per_page: 0 is out of range"),
        ("[sources.web]\nrobots = \"yes\"\n", r"sources\.web\.robots: expected true or false"),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        config.load(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)
