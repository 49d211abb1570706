# The two README commands are `sh quickstart.sh demo` and `sh quickstart.sh test`
# (quickstart.sh only makes sure `make` exists, then runs these targets).
#   make deps   install the missing Debian 12 packages (apt-get, only what is missing)
#   make build  configure and build into build/
#   make demo   build, then run the built-in demo (shell/demo.sh)
#   make test   build, then the whole suite: ctest in build/ (all tests), build-asan/
#               (unit tests under ASan+UBSan), build-fuzz/ (brief libFuzzer runs),
#               and test-kernels (the SIMD kernels this CPU does not pick, forced)
#   make bench  the side-by-side benchmarks (bench/run.sh)
#   make deb    the Debian package (dpkg-buildpackage -b), into build-deb/
#   make test-deb  build it, check it with dpkg-deb and lintian, install, use, purge
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR ?= $(if $(filter true,$(CI)),ON,OFF)
# ccache, when installed, makes a rebuild of unchanged files (the next CI run, another
# clone, the package's build) a cache hit: CI's four builds of the tree take most of its
# time. Paths under the clone are hashed relative to it, so a clone elsewhere hits too.
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER = $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE))
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

PACKAGES = g++ cmake make pkg-config libcli11-dev libhowardhinnant-date-dev \
  libboost-dev libboost-filesystem-dev libsimdjson-dev zlib1g-dev libssl-dev libvterm-dev libcurl4-openssl-dev libpcap-dev catch2 \
  clang libclang-rt-14-dev ccache asciinema bsdutils util-linux gzip time procps \
  openssh-server openssh-client tmux tshark tcpdump curl iproute2 zsh bash-completion tlog groff-base \
  sudo auditd termrec perl clang-tidy qemu-user

DEB_PACKAGES = debhelper dpkg-dev fakeroot lintian man-db

.PHONY: deps test-deps build demo test test-unit test-asan fuzz-build test-fuzz test-kernels test-deb deb lint bench clean

deps:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all packages present"; fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECSSH_WARNINGS_AS_ERRORS=$(WERROR) $(LAUNCHER)
	cmake --build build -j $(JOBS)

demo: build
	bash shell/demo.sh build

# The S3 server test_ship runs against: moto (Debian 12 has no package; pip's, pinned),
# and boto3, the independent client that reads back what was shipped.
test-deps: deps
	@if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c 'import boto3' 2>/dev/null; then \
	  echo "installing moto 5.2.1 and boto3 for test_ship (pip)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq --no-install-recommends python3-pip python3-boto3 && \
	  pip install --break-system-packages -q 'moto[server]==5.2.1'; \
	fi

test-unit: build test-deps
	cd build && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRECSSH_SANITIZE=ON -DRECSSH_WARNINGS_AS_ERRORS=$(WERROR) $(LAUNCHER)
	cmake --build build-asan -j $(JOBS) --target unit_tests
	cd build-asan && ctest --output-on-failure -R '^unit$$'

# fuzz_screen links a libvterm built with the sanitizers (fuzz/libvterm_asan.sh)
# where it can be fetched; else the system's, with a note.
fuzz-build: deps
	@bash fuzz/libvterm_asan.sh build-fuzz/libvterm-asan || \
	  echo "note: no instrumented libvterm (no network?): fuzz_screen uses the system's"
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DRECSSH_FUZZ=ON -DRECSSH_BUILD_TESTS=OFF $(LAUNCHER) \
	  -DRECSSH_FUZZ_LIBVTERM=$$([ -s build-fuzz/libvterm-asan/libvterm_asan.a ] && echo $(CURDIR)/build-fuzz/libvterm-asan/libvterm_asan.a)
	cmake --build build-fuzz -j $(JOBS) --target fuzz_cast_reader fuzz_ttyrec fuzz_script fuzz_bsd_script fuzz_tlog fuzz_audit fuzz_sudo fuzz_raw fuzz_screen

test-fuzz: fuzz-build
	cd build-fuzz && ctest --output-on-failure

# The SIMD kernels (core/simd.hpp), each forced in turn with RECSSH_SIMD: the unit
# tests, the asciinema compatibility and command-line tests, and a short fuzz run of
# the fast line parser against simdjson (which also compares every kernel with the
# one forced), so that a kernel this CPU would not pick is tested too. A kernel the
# CPU lacks is skipped with a line saying so; scalar, and sse2 on x86-64, must run.
# (test_simd_kernels and test_qemu_cpus, in test-unit, compare the bytes of every
# kernel here and of the binary on emulated older CPUs.)
# In CI's quick mode the kernel this CPU picks by itself is left out: test-unit and
# test-fuzz ran with it already.
KERNELS = scalar sse2 avx2 avx512 avx512vbmi2
test-kernels: build fuzz-build
	@best=$$(RECSSH_SIMD_VERBOSE=1 build/cmd/recast --version 2>&1 >/dev/null | sed -n 's/^recast: simd: \([a-z0-9]*\) (best.*/\1/p'); \
	for k in $(KERNELS); do \
	  if [ "$(CI)" = true ] && [ "$$k" = "$$best" ]; then \
	    echo "test-kernels: $$k is this CPU's own choice, tested by test-unit and test-fuzz"; continue; \
	  fi; \
	  if ! err=$$(RECSSH_SIMD=$$k build/cmd/recast --version 2>&1 >/dev/null); then \
	    case $$k/$$(uname -m) in scalar/* | sse2/x86_64) echo "test-kernels: $$k refused: $$err"; exit 1 ;; esac; \
	    echo "test-kernels: kernel $$k skipped: $$err"; continue; \
	  fi; \
	  echo "test-kernels: RECSSH_SIMD=$$k"; \
	  (cd build && RECSSH_SIMD=$$k ctest --output-on-failure -j $(JOBS) \
	    -R '^(unit|test_asciinema_compat|test_cli)$$') || exit 1; \
	  if ! (cd build-fuzz && RECSSH_SIMD=$$k fuzz/fuzz_cast_reader -max_total_time=10 -timeout=10 \
	      -rss_limit_mb=2048 -max_len=65536 fuzz/corpus ../tests/fixtures/cast > fuzz-$$k.log 2>&1); then \
	    tail -40 build-fuzz/fuzz-$$k.log; exit 1; \
	  fi; \
	  grep -E '^fuzz_cast_reader: |^Done ' build-fuzz/fuzz-$$k.log; \
	done

# The package is built from a copy of the tracked files in build-deb/, so its
# outputs (which dpkg-buildpackage writes next to the source) stay there.
deb: deps
	@$(MAKE) --no-print-directory deps PACKAGES="$(DEB_PACKAGES)"
	rm -rf build-deb && mkdir -p build-deb/recssh
	git ls-files -z | xargs -0 cp --parents -t build-deb/recssh
	cd build-deb/recssh && DEB_BUILD_OPTIONS="$(DEB_BUILD_OPTIONS) parallel=$(JOBS)" \
	  $(if $(CCACHE),CMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE)) dpkg-buildpackage -b -us -uc
	ls -l build-deb/*.deb

# CI's quick mode builds the package without optimisation (noopt: about a third less
# compile time); what is tested is the packaging, installing, using and purging.
test-deb:
	$(MAKE) --no-print-directory deb DEB_BUILD_OPTIONS="nocheck$(if $(filter true,$(CI)), noopt)"
	bash tests/package/test_deb.sh build-deb

# clang-tidy with .clang-tidy's checks over the libraries and programs (warnings are
# errors): every file (about 9 minutes on 2 cores), or in CI's quick mode (CI=true)
# the files the last 3 commits changed (the whole tree was clean when this was set up), so CI stays under 20 minutes.
LINT_FILES = $(if $(filter true,$(CI)),$(shell git diff --name-only HEAD~3 -- 'core/*.cpp' 'store/*.cpp' 'record/*.cpp' 'archive/*.cpp' 'convert/*.cpp' 'forward/*.cpp' 'play/*.cpp' 'search/*.cpp' 'ship/*.cpp' 'cmd/*.cpp' 2>/dev/null | sed 's|^|$(CURDIR)/|'),ALL)
lint: build
	@if [ "$(LINT_FILES)" = ALL ]; then re='^$(CURDIR)/(core|store|record|archive|convert|ship|forward|play|search|cmd)/.*\.cpp$$'; \
	else re="^($$(echo $(LINT_FILES) | tr ' ' '|'))$$"; fi; \
	[ "$$re" != '^()$$' ] || { echo "lint: no source changed in the last 3 commits"; exit 0; }; \
	run-clang-tidy -p build -j $(JOBS) -quiet "$$re" > build/clang-tidy.log 2>&1 || \
	  { grep -E 'error:|warning:' build/clang-tidy.log | sort -u | head -50; exit 1; }; \
	echo "lint: clang-tidy clean ($$(grep -c '^clang-tidy' build/clang-tidy.log) files)"

test: test-unit test-asan test-fuzz test-kernels test-deb lint

bench: build
	bash bench/run.sh

clean:
	rm -rf build build-asan build-fuzz build-deb demo-out
