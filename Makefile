# The two README commands are `sh quickstart.sh demo` and `sh quickstart.sh test`
# (quickstart.sh only makes sure `make` exists, then runs these targets).
#   make deps   install the missing Debian 12 packages (apt-get, only what is missing)
#   make build  configure and build into build/
#   make demo   build, then run the built-in demo (shell/demo.sh)
#   make test   build, then the whole suite: ctest in build/ (all tests), build-asan/
#               (unit tests under ASan+UBSan) and build-fuzz/ (brief libFuzzer runs)
#   make bench  the side-by-side benchmarks (bench/run.sh)
#   make deb    the Debian package (dpkg-buildpackage -b), into build-deb/
#   make test-deb  build it, check it with dpkg-deb and lintian, install, use, purge
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR ?= $(if $(filter true,$(CI)),ON,OFF)

PACKAGES = g++ cmake make pkg-config libcli11-dev libhowardhinnant-date-dev \
  libboost-dev libboost-filesystem-dev libsimdjson-dev zlib1g-dev libssl-dev libvterm-dev catch2 \
  clang libclang-rt-14-dev asciinema bsdutils util-linux gzip time procps \
  openssh-server openssh-client tmux zsh bash-completion tlog groff-base \
  sudo auditd termrec perl

DEB_PACKAGES = debhelper dpkg-dev fakeroot lintian man-db

.PHONY: deps build demo test test-unit test-asan test-fuzz test-deb deb bench clean

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
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECSSH_WARNINGS_AS_ERRORS=$(WERROR)
	cmake --build build -j $(JOBS)

demo: build
	bash shell/demo.sh build

test-unit: build
	cd build && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRECSSH_SANITIZE=ON -DRECSSH_WARNINGS_AS_ERRORS=$(WERROR)
	cmake --build build-asan -j $(JOBS) --target unit_tests
	cd build-asan && ctest --output-on-failure -R '^unit$$'

test-fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DRECSSH_FUZZ=ON -DRECSSH_BUILD_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_cast_reader fuzz_ttyrec fuzz_script fuzz_bsd_script fuzz_tlog fuzz_audit fuzz_sudo fuzz_raw
	cd build-fuzz && ctest --output-on-failure

test: test-unit test-asan test-fuzz test-deb

# The package is built from a copy of the tracked files in build-deb/, so its
# outputs (which dpkg-buildpackage writes next to the source) stay there.
deb: deps
	@$(MAKE) --no-print-directory deps PACKAGES="$(DEB_PACKAGES)"
	rm -rf build-deb && mkdir -p build-deb/recssh
	git ls-files -z | xargs -0 cp --parents -t build-deb/recssh
	cd build-deb/recssh && DEB_BUILD_OPTIONS="$(DEB_BUILD_OPTIONS) parallel=$(JOBS)" dpkg-buildpackage -b -us -uc
	ls -l build-deb/*.deb

test-deb:
	$(MAKE) --no-print-directory deb DEB_BUILD_OPTIONS=nocheck
	bash tests/package/test_deb.sh build-deb

bench: build
	bash bench/run.sh

clean:
	rm -rf build build-asan build-fuzz build-deb demo-out
