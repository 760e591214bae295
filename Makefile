# Two commands matter: `make run` (a working forum on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install catalogs extract-catalogs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed catalogs

# Interface catalogs: the .po files are the source, the .mo files are built here.
catalogs: $(VENV)/.installed
	$(BIN)/pybabel -q compile -f -d forum/translations

extract-catalogs: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o forum/translations/messages.pot .
	$(BIN)/pybabel -q update -N --ignore-obsolete -i forum/translations/messages.pot -d forum/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	@# Which languages can be translated here (no engine: posts wait, untranslated, until one is installed).
	-$(FLASK) translation list
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.posting
	$(BIN)/python -m bench.thread_page
	$(BIN)/python -m bench.search

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
