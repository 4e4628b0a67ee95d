# Everyday commands. `make run` and `make test` are the README's quick start.
.DEFAULT_GOAL := run
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# The test environment: the machine's PostgreSQL and Redis (override from outside if yours differ).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint format migrate demo-app provision web worker-gpu worker-cpu beat flower clean gpu-check bench

provision: models/u2netp.onnx

$(VENV)/.base-installed: requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.txt
	touch $@

# The worker's model runtimes, the Python client and its `photoshoot` CLI (client/, editable), and the
# embedded default weights (u2netp.onnx, md5-checked) in models/.
# numba compiles pymatting's kernels (rembg imports them) into its on-disk cache on the first import in a
# new virtualenv, about a minute on 2 cores: that happens here, once, not in the first request after `make run`.
$(VENV)/.worker-installed: $(VENV)/.base-installed requirements/worker.txt requirements/worker-nodeps.txt client/pyproject.toml
	$(PY) -m pip install --quiet -r requirements/worker.txt
	$(PY) -m pip install --quiet --no-deps -r requirements/worker-nodeps.txt
	$(PY) -m pip install --quiet -e ./client
	$(PY) -c "import rembg"
	touch $@

models/u2netp.onnx: $(VENV)/.base-installed
	$(MANAGE) provision_models

$(VENV)/.dev-installed: $(VENV)/.worker-installed requirements/dev.txt
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

## run: install, migrate, print demo credentials, then serve web + workers + beat on embedded defaults
run: $(VENV)/.worker-installed models/u2netp.onnx
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_application
	$(MANAGE) runstack

## test: the whole suite against PostgreSQL and Redis (what .ci/run calls)
test: $(VENV)/.dev-installed models/u2netp.onnx
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest

## bench: every benchmark against its baseline in one table, saved as bench/results.json and bench/results.png
bench: $(VENV)/.dev-installed models/u2netp.onnx
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/run.py

# On a CUDA machine: the RUN_GPU=1 tests and the GPU benchmarks, written to bench/RESULTS.md (≤ 8 minutes).
gpu-check: $(VENV)/.dev-installed
	PYTHON=$(PY) bash bench/gpu_acceptance.sh

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: $(VENV)/.base-installed
	$(MANAGE) migrate --noinput

demo-app: $(VENV)/.base-installed
	$(MANAGE) demo_application

# The processes one at a time, as docker-compose.yml runs them.
web: $(VENV)/.base-installed
	$(VENV)/bin/gunicorn adcreative.wsgi --bind $${WEB_BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-2} \
		--worker-class gthread --threads 8

# Each worker kind serves its Prometheus metrics on its own address (empty: none).
GPU_METRICS_BIND ?= 127.0.0.1:9102
CPU_METRICS_BIND ?= 127.0.0.1:9101

worker-gpu: $(VENV)/.worker-installed models/u2netp.onnx
	WORKER_METRICS_BIND=$(GPU_METRICS_BIND) $(VENV)/bin/celery -A adcreative worker -Q gpu -c 1 -n gpu@%h --without-gossip --without-mingle -l INFO

worker-cpu: $(VENV)/.base-installed
	WORKER_METRICS_BIND=$(CPU_METRICS_BIND) $(VENV)/bin/celery -A adcreative worker -Q default -c 2 -n cpu@%h --without-gossip --without-mingle -l INFO

beat: $(VENV)/.base-installed
	$(VENV)/bin/celery -A adcreative beat -l INFO -s $${VAR_DIR:-var}/celerybeat-schedule

flower: $(VENV)/.base-installed
	$(VENV)/bin/python manage.py flower --port=$${FLOWER_PORT:-5555}

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
