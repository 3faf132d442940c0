# The two commands: `make demo` and `make test`. Everything else is what they need.
SHELL := /bin/bash
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_LINK_MODE := copy

.PHONY: demo screenshots test sync browser dictionaries wordpress wordpress-plugin wordpress-screenshots node lint bench-ingest bench-spelling clean

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

sync: .venv/.synced

## Serve the demo news site, the API and the dashboard at http://127.0.0.1:$(PORT)
PORT ?= 8000
demo: sync dictionaries
	$(UV) run corrigo demo --port $(PORT)

## The README's dashboard screenshots (docs/screenshots/), from a throw-away demo
screenshots: sync browser
	$(UV) run python scripts/dashboard_screenshots.py

# Installs Debian packages as root or with password-less sudo, or says which tests will fail:
# $(call apt_install,PACKAGES,WHAT FAILS WITHOUT THEM)
define apt_install
if [ "$$(id -u)" = 0 ]; then \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
else \
  echo "$(1) missing and cannot be installed here: $(2) will fail" >&2; \
fi
endef

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  $(call apt_install,chromium,browser tests); \
	fi

# Debian's spelling dictionaries for pyenchant (the one list of them; README "Spelling").
DICTIONARIES := libenchant-2-2 aspell-en hunspell-en-us hunspell-en-gb \
  aspell-uk hunspell-uk aspell-ru hunspell-ru aspell-de hunspell-de-de \
  aspell-fr hunspell-fr aspell-es hunspell-es aspell-pl hunspell-pl \
  aspell-it hunspell-it aspell-pt-pt aspell-pt-br hunspell-pt-pt hunspell-pt-br

dictionaries:
	@if dpkg-query -W -f='$${db:Status-Abbrev}\n' $(DICTIONARIES) 2>&1 | grep -qv '^ii'; then \
	  $(call apt_install,$(DICTIONARIES),spelling tests); \
	fi

# Debian's WordPress, PHP's CLI and its MySQL driver for the WordPress connector's and
# plugin's tests (a real WordPress against the local MariaDB; see
# tests/connectors/wordpress_site.py), and PHP_CodeSniffer for the plugin's lint.
WORDPRESS_PACKAGES := wordpress php-cli php-mysql php-codesniffer
wordpress:
	@if [ ! -e /usr/share/wordpress/wp-settings.php ] || ! php -m 2>/dev/null | grep -qx mysqli \
	    || ! command -v phpcs >/dev/null 2>&1; then \
	  $(call apt_install,$(WORDPRESS_PACKAGES),WordPress tests); \
	fi

## The WordPress plugin's zip (dist/corrigo-wordpress-VERSION.zip), translations compiled
wordpress-plugin: sync
	$(UV) run python scripts/wordpress_plugin.py

## The README's WordPress screenshots, from a throw-away WordPress and Corrigo (needs MariaDB)
wordpress-screenshots: sync browser wordpress
	$(UV) run python scripts/wordpress_screenshots.py

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

node: node_modules/.installed

## Run the whole test suite (SQLite and PostgreSQL, real Chromium, real SMTP, real WordPress)
test: sync browser wordpress dictionaries node
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run mypy
	$(UV) run pytest

# wrk closed-loop (run.py), then the constant rate with the latency over time (steady.py);
# both run even when the first misses its target, and the target fails if either missed.
bench-ingest: sync
	$(UV) run python bench/ingest/run.py; status=$$?; \
	$(UV) run python bench/ingest/steady.py || status=1; exit $$status

# Spelling accuracy against the libraries alone (codespell's pairs; see bench/README.md).
bench-spelling: sync dictionaries
	$(UV) run --group bench python bench/spelling/run.py

lint: sync
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run mypy

clean:
	rm -rf .venv $(TOOLS) node_modules data
