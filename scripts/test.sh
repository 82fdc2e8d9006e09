#!/usr/bin/env bash
# Runs every test of Anju: the Rust suites on SQLite and on PostgreSQL, and the
# engine's SQL oracle in DuckDB (through Python's duckdb package, installed if missing),
# and the browser test of the pages in headless Chromium.
# Starts the local PostgreSQL if it is installed but down; fails if it cannot be
# reached, because a store suite that skipped PostgreSQL has not passed.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_url="${ANJU_TEST_PG:-host=127.0.0.1 port=5432 user=postgres dbname=test}"
export ANJU_TEST_PG="$pg_url"
export ANJU_REQUIRE_PG=1

pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "test.sh: starting the local PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
fi
if ! pg_ready; then
  echo "test.sh: PostgreSQL is not reachable at 127.0.0.1:5432." >&2
  echo "  The store suite must run on PostgreSQL too. Start it, or point ANJU_TEST_PG at one" >&2
  echo "  (e.g. ANJU_TEST_PG='host=127.0.0.1 port=5432 user=postgres dbname=test')." >&2
  exit 1
fi

if ! python3 -c 'import duckdb' 2>/dev/null; then
  echo "test.sh: installing the Python package duckdb (the indicator engine's SQL oracle runs in it)" >&2
  if ! python3 -m pip install --quiet --disable-pip-version-check duckdb >&2; then
    echo "test.sh: could not install duckdb. Install it (python3 -m pip install duckdb) and rerun;" >&2
    echo "  the oracle test compares every indicator of the engine with DuckDB's." >&2
    exit 1
  fi
fi

# The browser test drives Debian's Chromium through chromedriver; install both if
# missing (with a Chinese font, so that the screenshots are legible), and make the
# test fail (not skip) without them.
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  echo "test.sh: installing chromium and chromium-driver for the browser test" >&2
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-wqy-zenhei; } >&2; then
    echo "test.sh: could not install chromium and chromium-driver (apt-get failed)." >&2
    echo "  The browser test needs them: install them as root, e.g." >&2
    echo "  apt-get update && apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi
export ANJU_REQUIRE_BROWSER=1

# The permit card's PDF embeds a subset of a Chinese font (ANJU_CARD_FONT, by default
# WenQuanYi Zen Hei); its tests need the font.
if [ -z "${ANJU_CARD_FONT:-}" ] && [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
  echo "test.sh: installing fonts-wqy-zenhei for the permit card's PDF" >&2
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-wqy-zenhei; } >&2; then
    echo "test.sh: could not install fonts-wqy-zenhei (apt-get failed); install it as root," >&2
    echo "  or name another font with Chinese characters in ANJU_CARD_FONT." >&2
    exit 1
  fi
fi

# Lints fail the run as a test would.
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked "$@"

# The API against its own document, on a live server: no 5xx, no answer outside
# its schema.
./scripts/schemathesis.sh
