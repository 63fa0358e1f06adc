# The README's commands. `make test` is what CI runs (.ci/run).
BUILD      ?= build
ASAN_BUILD ?= $(BUILD)/asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build build-asan test test-unit test-asan memcheck demo bench install clean format

all: build

deps:
	@SMSRELAY_DEPS_QUIET=1 ./scripts/install-deps

# Configure every time (it takes a second): folders are discovered by glob,
# so a new folder must be seen without a manual re-run of cmake.
build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# Sanitizer build with clang: unit and integration tests under ASan+UBSan,
# plus the libFuzzer targets, each run briefly over its seed corpus.
build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	      -DSMSRELAY_SANITIZE=ON -DSMSRELAY_FUZZ=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Sanitizer build first, normal build last, so the run ends with ctest's
# summary line for the whole suite.
test: test-asan test-unit

memcheck: build
	cd $(BUILD) && ctest -T memcheck -L unit --output-on-failure -j $(JOBS)

bench: build
	@tests/bench/run-all.sh $(BUILD)/bin

# The appliance on boards/sim: two simulated modems, a mock cloud provider,
# smsrelayd in the foreground; Ctrl-C stops everything it started.
demo: build
	@./scripts/demo $(BUILD)

install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
