# Two commands set everything up on a fresh machine: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_CONFIG := config/demo.toml

.PHONY: install test lint docs demo demo-build bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

test: lint
	$(BIN)/cog --check docs/cli.md docs/schema.md
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/cog -r docs/cli.md docs/schema.md

# Builds data/demo.db from the bundled sample data (fictional people, real export formats)
# with the real import commands (2011) and the real fetch against a local replay of recorded
# API answers (2026, and the 2011 web record), then serves it.
demo-build: $(STAMP)
	rm -f data/demo.db data/demo.db-wal data/demo.db-shm
	rm -rf data/media/warc
	$(BIN)/eventarchive --config $(DEMO_CONFIG) import twitter-archive data/sample/twitter-archive --event lambethcoop-2011
	$(BIN)/eventarchive --config $(DEMO_CONFIG) import twarc data/sample/lambethcoop-twarc2.jsonl --event lambethcoop-2011
	$(BIN)/eventarchive --config $(DEMO_CONFIG) import tags-csv data/sample/lambethcoop-tags.csv --event lambethcoop-2011
	@# Attendees' notes: a folder of Markdown, one Word document, a CSV of world-cafe tables.
	$(BIN)/eventarchive --config $(DEMO_CONFIG) import notes data/sample/notes --event lambethcoop-2011
	@# The 2026 edition comes in through the real `fetch`, from a local replay of recorded API
	@# answers (data/sample/replay/; config/demo.toml points every source at port 8765).
	env EVENTARCHIVE_X_BEARER_TOKEN=demo EVENTARCHIVE_BLUESKY_HANDLE=demo.example \
	  EVENTARCHIVE_BLUESKY_APP_PASSWORD=demo EVENTARCHIVE_FLICKR_KEY=demo \
	  $(PY) -m eventarchive.replay data/sample/replay --port 8765 -- \
	  $(BIN)/eventarchive --config $(DEMO_CONFIG) fetch --event lambethcoop-2026
	@# The 2011 web record (the organiser's blog post with its comments, the Guardian piece, the
	@# Storify story through the Wayback Machine) comes through the real `fetch --source web`
	@# from the same replay, which also acts as a plain-HTTP proxy for this one command: every
	@# http:// request, to the sample's example hosts too, is answered from data/sample/replay/.
	env -u http_proxy -u no_proxy -u NO_PROXY HTTP_PROXY=http://127.0.0.1:8765 \
	  $(PY) -m eventarchive.replay data/sample/replay --port 8765 -- \
	  $(BIN)/eventarchive --config $(DEMO_CONFIG) fetch --event lambethcoop-2011 --source web
	@# The curator's words between the story's elements, as Storify had them.
	$(BIN)/eventarchive --config $(DEMO_CONFIG) curate --event lambethcoop-2011 annotate \
	  "SAMPLE DATA. Lambeth Co-op Day, 21 October 2011: the tweets, the notes from the tables, the blog write-up with its comments and the newspaper piece, in one place."
	$(BIN)/eventarchive --config $(DEMO_CONFIG) curate --event lambethcoop-2011 annotate \
	  --after "notes:world-cafe/table-2-energy.md" "After the world cafe, the tables reported back; lunch was soup from the co-op kitchen."
	@# The 2011 photos: the archive's own copies, checked, measured and thumbnailed.
	$(PY) -m eventarchive.replay data/sample/replay --port 8765 -- \
	  $(BIN)/eventarchive --config $(DEMO_CONFIG) fetch --event lambethcoop-2011 --source media
	@# The story as a static website that opens from disk: data/site/index.html.
	$(BIN)/eventarchive --config $(DEMO_CONFIG) export --event lambethcoop-2011 --format site -o data/site
	-$(BIN)/eventarchive --config $(DEMO_CONFIG) status

demo: demo-build
	$(BIN)/eventarchive --config $(DEMO_CONFIG) serve

bench: $(STAMP)
	$(PY) bench/import_bench.py --tweets 100000 --repeat 3
	$(PY) bench/twarc_bench.py --tweets 100000 --repeat 3
	$(PY) bench/web_bench.py --pages 200 --hosts 4 --latency 0.01
	$(PY) bench/refetch_bench.py --latency 0.05
	$(PY) bench/links_bench.py --pages 1000 --hosts 20 --latency 0.1 --delay 0.1
	$(PY) bench/story_bench.py --items 50000 --requests 40
	$(PY) bench/photos_bench.py --photos 200 --downloads 1000 --hosts 20
	$(PY) bench/scale_bench.py --tweets 1000000 --requests 50
	$(PY) bench/publish_bench.py --tweets 1000000 --requests 50
	nice -n 10 $(PY) bench/size_bench.py --tweets 100000 300000 1000000 3000000 --requests 20

clean:
	rm -rf $(VENV) build src/*.egg-info
