# The front door: the README, CI and developers all use these targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
KAFKA_PORT ?= 9092
export KAFKA_BOOTSTRAP_SERVERS ?= 127.0.0.1:$(KAFKA_PORT)
TEST_DATABASE_URL ?= postgresql+asyncpg://inventory:inventory@$(PG_HOST):$(PG_PORT)/inventory_test
UV := python3 -m uv
PY := .venv/bin/python
PYTEST_ARGS ?=
# Instances of every service `make up` / `make services-up` start (scripts/services.sh): 2 runs a
# second one of each on its port + 50, sharing the database and the consumer groups.
export REPLICAS ?= 1

.PHONY: browser prometheus help bootstrap up down status infra-up infra-down topics migrate services-up services-down \
        test test-unit test-integration test-e2e lint fmt typecheck contracts openapi demo clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

bootstrap: ## install uv (from PyPI) and the locked Python environment
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --locked --quiet

infra-up: bootstrap ## start Kafka and PostgreSQL, create topics and databases
	@bash scripts/kafka.sh start
	@bash scripts/postgres.sh start
	@$(MAKE) --no-print-directory topics

topics: ## create every topic (and its DLQ) with its partition count
	@.venv/bin/inventory-topics --bootstrap $(KAFKA_BOOTSTRAP_SERVERS)

migrate: ## apply every service's migrations
	@bash scripts/services.sh migrate

services-up: ## start the six services (REPLICAS=2: two instances of each)
	@bash scripts/services.sh start

up: infra-up migrate services-up ## install what is missing and start everything (safe to re-run; REPLICAS=2: two instances of every service)
	@bash scripts/stack-info.sh

status: ## every component (and service instance) with its URL and readiness (non-zero exit if one is not ready)
	@rc=0; bash scripts/kafka.sh status || rc=1; bash scripts/postgres.sh status || rc=1; \
	 bash scripts/services.sh status || rc=1; exit $$rc

services-down: ## stop every service instance (whatever REPLICAS is)
	@bash scripts/services.sh stop

down: services-down ## stop the services, Kafka and PostgreSQL
	@bash scripts/kafka.sh stop
	@bash scripts/postgres.sh stop

test: up browser prometheus ## install what is missing, start the stack if needed, run the whole suite
	@KAFKA_BOOTSTRAP_SERVERS=$(KAFKA_BOOTSTRAP_SERVERS) DATABASE_URL=$(TEST_DATABASE_URL) \
	  INVENTORY_BROKER_RESTART_TESTS=1 \
	  $(PY) -m pytest $(PYTEST_ARGS)

test-unit: bootstrap prometheus ## unit tests only (no broker, no database)
	@$(PY) -m pytest -m "not integration and not e2e" $(PYTEST_ARGS)

test-integration: infra-up ## integration tests against the real broker and database
	@KAFKA_BOOTSTRAP_SERVERS=$(KAFKA_BOOTSTRAP_SERVERS) DATABASE_URL=$(TEST_DATABASE_URL) \
	  $(PY) -m pytest -m integration $(PYTEST_ARGS)

test-e2e: up browser prometheus ## end-to-end tests against the running services
	@KAFKA_BOOTSTRAP_SERVERS=$(KAFKA_BOOTSTRAP_SERVERS) DATABASE_URL=$(TEST_DATABASE_URL) \
	  $(PY) -m pytest -m e2e $(PYTEST_ARGS)

browser: ## Debian's chromium and a CJK font for the headless page tests
	@bash scripts/chromium.sh

prometheus: ## Debian's prometheus and promtool for the PromQL and alert-rule tests
	@bash scripts/prometheus.sh

lint: bootstrap ## ruff (lint and format check), mypy and the service skeleton test
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy
	@$(PY) -m pytest -q -p no:cacheprovider tests/test_skeleton.py

fmt: bootstrap ## format and auto-fix
	@$(PY) -m ruff format .
	@$(PY) -m ruff check --fix .

contracts: bootstrap ## regenerate JSON Schemas and the AsyncAPI document from the models
	@$(PY) -m inventory_contracts.schemas_gen
	@$(PY) -m inventory_contracts.asyncapi

openapi: bootstrap ## write the gateway's OpenAPI document and regenerate its typed client from it
	@$(PY) scripts/gateway_openapi.py

clean: down ## stop everything and delete local state (data, logs)
	rm -rf .local

demo: ## play the core story against the running system (run `make up` first)
	@$(PY) scripts/demo.py $(KAFKA_BOOTSTRAP_SERVERS)
