# Developer commands of the travel_customer addon. See README.rst.
# Odoo 18.0 must be importable as `odoo` (a prerequisite, never installed here).

SHELL := /bin/bash
PYTHON ?= python3
DB ?= travel_customer_demo
TEST_DB ?= travel_customer_test
STOCK_DB ?= travel_customer_stock
BENCH_DB ?= travel_customer_bench
BENCH_SIZE ?= 200000
PORT ?= 8069
LOAD_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup run test test-stock bench load screenshots lint clean

setup:
	@$(PYTHON) tools/dev.py setup

run: setup
	@$(PYTHON) tools/dev.py run --db $(DB) --port $(PORT)

test: setup
	@$(PYTHON) tools/dev.py test --db $(TEST_DB)

# the reference of Odoo's tests in `make test`: the same modules, no addon
test-stock: setup
	@$(PYTHON) tools/dev.py test-stock --db $(STOCK_DB)

bench: setup
	@$(PYTHON) tools/bench.py --db $(BENCH_DB) --size $(BENCH_SIZE) $(BENCH_ARGS)

load: setup
	@$(PYTHON) tools/load.py --db $(BENCH_DB) $(LOAD_ARGS)

screenshots: setup
	@$(PYTHON) tools/screenshots.py

lint: setup
	@$(PYTHON) -m pre_commit run --all-files --show-diff-on-failure

clean:
	rm -rf .build

# the deployed topology on one machine: PostgreSQL primary and hot standby,
# two Odoo HTTP servers reading from the standby, a cron server, nginx
CLUSTER_DB ?= $(BENCH_DB)
CLUSTER_PORT ?= 8080
CLUSTER_ARGS ?=

.PHONY: cluster cluster-stop cluster-status

cluster: setup
	@$(PYTHON) tools/cluster.py start --db $(CLUSTER_DB) --port $(CLUSTER_PORT) $(CLUSTER_ARGS)

cluster-stop:
	@$(PYTHON) tools/cluster.py stop

cluster-status:
	@$(PYTHON) tools/cluster.py status
