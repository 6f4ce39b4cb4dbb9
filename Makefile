# Thin wrapper over meson/ninja and the scripts.  Every target installs
# what it needs first (scripts/install-deps is quick when nothing is missing).
#
#   make          build (build/pykdump, libpykdump, the Python extension)
#   make demo     build, make the sample dump if missing, analyse it
#   make test     build and run every test suite (unit, ASan/UBSan, fuzz smoke,
#                 Python API, kernel tests against crash on the sample dump)
#   make sample   make (or reuse) the sample dump
#   make bench    compare with crash and drgn on the sample dump
#   make test-scenarios
#                 tests on the scenario dumps (hung, oops, lockup, oom,
#                 scale), each built on first use (not part of make test);
#                 SCENARIO_RELEASE=latest for the newest Debian kernel
#   make fuzz     run every libFuzzer target for FUZZ_SECONDS each

PYTHON      := /usr/bin/python3
BUILD       := build
ASAN_BUILD  := build-asan
FUZZ_BUILD  := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
SCENARIO_RELEASE ?=
SAMPLE_DIR  ?= $(HOME)/.cache/pykdump/sample-6.1.0-56-cloud-amd64
export PYKDUMP_SAMPLE_DIR := $(SAMPLE_DIR)

.PHONY: all deps build demo test unit asan fuzz-smoke pytest sample bench fuzz clean \
	test-scenarios

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) --buildtype=debugoptimized -Dpython=enabled

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

sample: deps
	scripts/make-sample-dump --out $(SAMPLE_DIR)

demo: build sample
	scripts/demo $(BUILD)/pykdump $(SAMPLE_DIR)

unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

$(ASAN_BUILD)/build.ninja: | deps
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
	  -Db_lundef=false -Dpython=disabled

# The corrupt-dump tests run on the sanitized CLI too (test_corrupt.py's
# [asan] cases; the plain ones run under pytest).
asan: deps $(ASAN_BUILD)/build.ninja build sample
	ninja -C $(ASAN_BUILD)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C $(ASAN_BUILD) --suite unit --print-errorlogs
	PYKDUMP_ASAN_BIN=$(CURDIR)/$(ASAN_BUILD)/pykdump \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/kernel/test_corrupt.py \
	  tests/kernel/test_index_background.py -k asan

$(FUZZ_BUILD)/build.ninja: | deps
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true \
	  -Db_lundef=false -Dpython=disabled -Dunit_tests=false

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)

fuzz-smoke: fuzz-build
	scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

fuzz: fuzz-build
	scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The scenario tests have their own target (test-scenarios below).
pytest: build sample
	PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/python tests/kernel \
	  --ignore=tests/kernel/test_scenarios.py

# The order matters only for reading the log: pytest's summary line ends it.
test: build sample unit asan fuzz-smoke pytest

# Each scenario dump is made on first use by scripts/make-sample-dump
# --scenario NAME into ~/.cache/pykdump/scenario-NAME-RELEASE/.
test-scenarios: build sample
	PYKDUMP_SCENARIO_RELEASE=$(SCENARIO_RELEASE) \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/kernel/test_scenarios.py

bench: build sample
	$(PYTHON) bench/run --pykdump $(BUILD)/pykdump --sample $(SAMPLE_DIR)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
