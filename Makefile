# Thin wrapper over meson/ninja and the scripts.  Every target installs
# what it needs first (scripts/install-deps is quick when nothing is missing).
#
#   make          build (build/pykdump, libpykdump, the Python extension)
#   make demo     build, make the sample dump if missing, analyse it
#   make test     build and run every test suite (unit, ASan/UBSan, the Python
#                 API on the ASan-built extension, fuzz smoke, Python API,
#                 kernel tests against crash on the sample dump); ends with
#                 the wall time of each stage
#   make test-other-boot
#                 a second boot of the sample kernel (another KASLR slide, in
#                 SAMPLE_DIR-boot2) and the kernel tests against it
#   make test-older
#                 the kernel tests on a sample of an older kernel (OLDER_RELEASE,
#                 bullseye's 5.10: layouts and features before the sample's
#                 6.1, against crash on that dump)
#   make sample   make (or reuse) the sample dump
#   make bench    compare with crash and drgn on the sample dump
#   make test-scenarios
#                 tests on the scenario dumps (hung, oops, lockup, oom,
#                 scale), each built on first use (make test's scenarios
#                 stage runs them too, and the oops one on the newest
#                 kernel); SCENARIO_RELEASE=latest: all on the newest
#   make test-progs-waiting
#                 the runs of the original PyKdump programs (tests/programs)
#                 that wait for a crash command another lane is building
#                 (make test leaves them out until our engine has it)
#   make fuzz     run every libFuzzer target to FUZZ_RUNS executions or FUZZ_SECONDS

PYTHON      := /usr/bin/python3
BUILD       := build
ASAN_BUILD  := build-asan
FUZZ_BUILD  := build-fuzz
# make fuzz: each target to FUZZ_RUNS executions or FUZZ_SECONDS,
# whichever first (issue 19); fuzz-smoke: FUZZ_SMOKE_SECONDS each, nproc
# targets at a time (13 targets: 7 rounds)
FUZZ_SECONDS ?= 3600
FUZZ_RUNS ?= 10000000
FUZZ_SMOKE_SECONDS ?= 5
SCENARIO_RELEASE ?=
SAMPLE_DIR  ?= $(HOME)/.cache/pykdump/sample-6.1.0-56-cloud-amd64
OTHER_BOOT_DIR ?= $(SAMPLE_DIR)-boot2
OLDER_RELEASE ?= 5.10.0-32-cloud-amd64
OLDER_DIR ?= $(HOME)/.cache/pykdump/sample-$(OLDER_RELEASE)
export PYKDUMP_SAMPLE_DIR := $(SAMPLE_DIR)
# pytest runs its test files on this many workers (python3-pytest-xdist):
# the kernel tests mostly wait for crash and pykdump processes, one core each
PYTEST_JOBS ?= $(shell nproc)
PYTEST      := $(PYTHON) -m pytest -q -p no:cacheprovider
# pytest before asan-python: it asks crash in parallel and caches the answers
# the sanitized (serial-per-worker, slower) Python run then reuses.  The
# scenario tests and asan-python run side by side (scripts/run-stages A+B):
# each alone left a fifth to a third of the CPUs idle in its tail.
TEST_STAGES := deps build sample scenario-dumps-bg unit asan fuzz-smoke \
	pytest scenarios+asan-python
# The scenario dumps make test makes (or reuses) and tests: every scenario
# on the pinned kernel, and the oops one on the newest Debian cloud kernel
# (module mem[] layout, block devices, triage where crash 8.0.6 cannot go).
TEST_SCENARIOS ?= hung oops lockup oom ipc scale
LATEST_SCENARIOS ?= oops

.PHONY: all deps build demo test unit asan asan-python fuzz-smoke pytest sample \
	bench fuzz clean test-other-boot test-older test-scenarios test-progs-waiting \
	scenarios scenario-dumps-bg

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
	  -Db_lundef=false -Dpython=enabled

# The corrupt-dump, partial-answer, error-path and shrinking-file tests
# run on the sanitized CLI too, with LeakSanitizer (their [asan] cases;
# the plain ones run under pytest).  test_mutate.py runs only here: a
# fixed-seed set of byte-level mutations of the sample's small dump
# files, each opened by the sanitized CLI (sys, ps, log, bt -a,
# dumpinfo); a signal, a sanitizer report, a hang, unbounded memory or a
# silent failure fails it.
asan: deps $(ASAN_BUILD)/build.ninja build sample
	ninja -C $(ASAN_BUILD)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C $(ASAN_BUILD) --suite unit --print-errorlogs
	PYKDUMP_ASAN_BIN=$(CURDIR)/$(ASAN_BUILD)/pykdump \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTEST) -n $(PYTEST_JOBS) tests/kernel/test_corrupt.py \
	  tests/kernel/test_corrupt_kmem.py tests/kernel/test_corrupt_code.py \
	  tests/kernel/test_index_background.py tests/kernel/test_error_leaks.py \
	  tests/kernel/test_sym_long_name.py tests/kernel/test_shrink.py \
	  tests/kernel/test_fuzz_findings.py tests/kernel/test_mutate.py \
	  tests/kernel/test_mutate_findings.py tests/kernel/test_partial_answers.py \
	  -k asan

# The Python API on the ASan/UBSan-built extension (libasan preloaded into
# Debian's python, see scripts/asan-python): the API tests and the kernel
# tests of the API, the programs they start included.  A memory error or a
# leak through our sources fails it.
asan-python: deps $(ASAN_BUILD)/build.ninja sample
	meson configure $(ASAN_BUILD) -Dpython=enabled
	ninja -C $(ASAN_BUILD)
	$(PYTHON) scripts/asan-python $(ASAN_BUILD) -n $(PYTEST_JOBS) \
	  --dist loadfile tests/python $(wildcard tests/kernel/test_pyapi*.py)

$(FUZZ_BUILD)/build.ninja: | deps
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true \
	  -Db_lundef=false -Dpython=disabled -Dunit_tests=false

# Only the fuzz targets and what they link (the library): the commands,
# the CLI, tools and benchmarks are built and tested in the other builds.
fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) $$(ninja -C $(FUZZ_BUILD) -t targets all | \
	  sed -n 's|^\(fuzz/fuzz_[a-z0-9_]*\): c_LINKER.*|\1|p')

fuzz-smoke: fuzz-build
	scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

# The budget is cumulative (scripts/run-fuzz, FUZZ_RESUME): an interrupted
# make fuzz goes on where it stopped; rm -r build-fuzz/fuzz-ledger starts over.
# FUZZ_TARGETS="expr orc": only these, in this order.
fuzz: fuzz-build
	FUZZ_RESUME=1 nice -n 19 scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS) 2 $(FUZZ_RUNS)

# tests/meta: checks of the test suite itself (no boot-specific literals)
# and of the scripts.  --dist loadfile keeps a file's tests on one worker,
# so its module fixtures (crash's answers) are made once.  The scenario
# tests have their own target (test-scenarios below).  tests/programs
# runs the original PyKdump programs (../shared/pykdump-original); a run
# that needs a command our engine does not have yet is marked waits_on
# at collection and left out here (make test-progs-waiting runs those).
# (fuzz-build: test_fuzz_seeds.py runs the kernel-memory targets' seeds)
pytest: build sample fuzz-build
	PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  PYKDUMP_FUZZ_BUILD=$(CURDIR)/$(FUZZ_BUILD) $(PYTEST) -n $(PYTEST_JOBS) --dist loadfile --durations=15 \
	  -m "not waits_on" tests/meta tests/python tests/kernel tests/programs \
	  --ignore=tests/kernel/test_scenarios.py \
	  --ignore=tests/kernel/test_scenarios_triage.py

# The program runs that wait for another lane's command (they fail until
# it lands; each says which command and which lane in its waits_on mark).
test-progs-waiting: build sample
	PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTEST) -n $(PYTEST_JOBS) --dist loadfile -rA -m waits_on \
	  tests/programs

# Each stage in turn (run-stages stops at the first failure), then the
# wall time of each.
test:
	@scripts/run-stages $(MAKE) $(TEST_STAGES)

# The same kernel tests on another boot of the sample kernel: nothing in
# them may depend on one boot's addresses, pids or CPUs.
test-other-boot: build sample fuzz-build
	scripts/make-sample-dump --out $(OTHER_BOOT_DIR) --new-boot-of $(SAMPLE_DIR)
	PYKDUMP_SAMPLE_DIR=$(OTHER_BOOT_DIR) \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  PYKDUMP_FUZZ_BUILD=$(CURDIR)/$(FUZZ_BUILD) \
	  $(PYTEST) -n $(PYTEST_JOBS) --dist loadfile -m "not waits_on" \
	  tests/kernel tests/programs --ignore=tests/kernel/test_scenarios.py \
	  --ignore=tests/kernel/test_scenarios_triage.py

# The same kernel tests on an older kernel's sample (made on first use).
# Tests of facts only the 6.1 sample has (its fuzz seeds, symbol counts,
# member names it plants) are known to differ there: see README.
test-older: build fuzz-build
	scripts/make-sample-dump --release $(OLDER_RELEASE) --out $(OLDER_DIR)
	PYKDUMP_SAMPLE_DIR=$(OLDER_DIR) \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  PYKDUMP_FUZZ_BUILD=$(CURDIR)/$(FUZZ_BUILD) \
	  $(PYTEST) -n $(PYTEST_JOBS) --dist loadfile -m "not waits_on" \
	  tests/kernel tests/programs --ignore=tests/kernel/test_scenarios.py \
	  --ignore=tests/kernel/test_scenarios_triage.py

# make test starts making the scenario dumps in the background right after
# the sample (a dump is mostly a QEMU guest booting and dying: CPU the
# other stages leave idle), at a lower priority; the scenarios stage then
# waits for them (make-sample-dump's locks) and remakes any that failed.
scenario-dumps-bg: deps sample
	@mkdir -p $(BUILD)
	@nice -n 5 scripts/make-scenario-dumps $(TEST_SCENARIOS) \
	  $(addsuffix @latest,$(LATEST_SCENARIOS)) \
	  >$(BUILD)/scenario-dumps.log 2>&1 </dev/null & \
	echo "scenario dumps: being made in the background" \
	  "($(BUILD)/scenario-dumps.log)"

# make test's scenario stage: the dumps are made side by side (each is
# mostly a QEMU guest booting and dying), then tested, on both releases at
# once (the tests wait on crash and pykdump processes much of the time).
scenarios: build sample
	scripts/make-scenario-dumps $(TEST_SCENARIOS) \
	  $(addsuffix @latest,$(LATEST_SCENARIOS))
	PYKDUMP_SCENARIO_RELEASE=latest PYKDUMP_SCENARIOS="$(LATEST_SCENARIOS)" \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTEST) -n 1 --durations=5 \
	  tests/kernel/test_scenarios.py tests/kernel/test_scenarios_triage.py \
	  >$(BUILD)/scenarios-latest.log 2>&1 & latest=$$!; \
	PYKDUMP_SCENARIOS="$(TEST_SCENARIOS)" \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTEST) -n $(PYTEST_JOBS) --dist load --durations=10 \
	  tests/kernel/test_scenarios.py tests/kernel/test_scenarios_triage.py; \
	rc=$$?; wait $$latest; rc2=$$?; \
	echo "--- the same on the newest kernel ($(LATEST_SCENARIOS)):"; \
	cat $(BUILD)/scenarios-latest.log; \
	[ $$rc -eq 0 ] && [ $$rc2 -eq 0 ]

# Each scenario dump is made on first use by scripts/make-sample-dump
# --scenario NAME into ~/.cache/pykdump/scenario-NAME-RELEASE/.
test-scenarios: build sample
	PYKDUMP_SCENARIO_RELEASE=$(SCENARIO_RELEASE) \
	  PYKDUMP_BIN=$(CURDIR)/$(BUILD)/pykdump PYKDUMP_BUILD=$(CURDIR)/$(BUILD) \
	  $(PYTEST) --durations=15 tests/kernel/test_scenarios.py \
	  tests/kernel/test_scenarios_triage.py

bench: build sample
	$(PYTHON) bench/run --pykdump $(BUILD)/pykdump --sample $(SAMPLE_DIR)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
