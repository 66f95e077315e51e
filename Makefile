# Seer's entry points. Each target installs what is missing first (Debian packages via
# apt-get, with sudo when not root), so `make run` and `make test` work on a fresh machine.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SEER_RELEASE := .build/release/seer
# Release builds target the build machine's vector unit when it has AVX2+FMA: Seer's SIMD16
# kernels (exp, erf, norms) run ~10× faster than on the baseline x86-64 (SSE2) instruction set.
# Library users get the same by passing these flags to `swift build` themselves.
CPU_FLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo "-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell")
BENCH_ARGS ?=

.PHONY: deps run test bench build release clean slurm-demo fuzz sanitize static

## deps: install the system libraries Seer links (OpenBLAS, libcsv, SQLite) and libpq (opened at run time,
## for postgres:// registries) if they are missing.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	[ -f /usr/include/sqlite3.h ] || missing="$$missing libsqlite3-dev"; \
	ldconfig -p 2>/dev/null | grep -q 'libpq\.so\.5 ' || missing="$$missing libpq5"; \
	{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas; } || missing="$$missing libopenblas-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## run: build in release mode and run the main job on the embedded default data.
run: deps release
	$(SEER_RELEASE) inspect data/airline_passengers.csv
	$(SEER_RELEASE) forecast data/airline_passengers.csv --horizon 24 --model nt --out forecast.csv --plot forecast.svg --report report.html
	@head -5 forecast.csv

## test: build and run every test (tests needing ../shared/data skip when it is absent; the
## interoperability tests need Python's safetensors, pandas, Polars and DuckDB, installed here
## when possible, and skip with a message otherwise). A PostgreSQL server (Debian's postgresql,
## installed when missing) runs on 127.0.0.1:54329 for the registry's tests and is stopped after; Debian's
## prometheus is installed when missing, and the test that needs it starts and stops its own on loopback.
## NVRTC (NVIDIA's pip wheel, ~90 MB, into .cuda/) lets the tests compile the CUDA kernels without a GPU.
test: deps
	@python3 -c "import safetensors, numpy" 2>/dev/null || python3 -m pip install -q safetensors numpy 2>/dev/null || echo "Python safetensors unavailable: its interoperability test will skip"
	@python3 -c "import pandas, polars, duckdb" 2>/dev/null || python3 -m pip install -q pandas polars duckdb 2>/dev/null || echo "pandas/Polars/DuckDB unavailable: their round-trip tests will skip"
	@command -v prometheus >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends prometheus; } >/dev/null 2>&1 || echo "prometheus unavailable: the Prometheus end-to-end test will skip"
	@if scripts/test-postgres.sh start; then pg="$$(scripts/test-postgres.sh url)"; else pg=""; echo "PostgreSQL unavailable: the PostgreSQL registry tests will skip"; fi; \
	nvrtc="$$(scripts/cuda-nvrtc.sh)"; [ -n "$$nvrtc" ] || echo "NVRTC unavailable (pip wheel nvidia-cuda-nvrtc-cu12): the CUDA kernel compile tests will skip"; \
	SEER_TEST_POSTGRES="$$pg" SEER_CUDA_LIBRARY_PATH="$$nvrtc" $(SWIFT) test; status=$$?; \
	scripts/test-postgres.sh stop >/dev/null 2>&1 || true; exit $$status

## bench: the benchmarks (ingestion against pandas, kernels against sgemm/memcpy, training steps against
## PyTorch, sine rollouts, ETTh1, stock, everyday series against statsforecast); installs pandas,
## the CPU wheel of torch and statsforecast with pip if missing.
bench: deps release
	@python3 -c "import pandas" 2>/dev/null || python3 -m pip install -q pandas || echo "pandas unavailable: benchmarking Seer alone"
	$(SEER_RELEASE) bench ingest $(BENCH_ARGS)
	$(SEER_RELEASE) bench kernels
	@python3 -c "import torch" 2>/dev/null || python3 -m pip install -q torch==2.13.0+cpu || echo "torch unavailable: no PyTorch column"
	$(SEER_RELEASE) bench speed
	$(SEER_RELEASE) bench sine
	@if [ -f ../shared/data/ett/ETTh1.csv ]; then $(SEER_RELEASE) bench ett; else echo "../shared/data is absent: skipping seer bench ett"; fi
	@if [ -d ../shared/data/stock ]; then $(SEER_RELEASE) bench stock; else echo "../shared/data is absent: skipping seer bench stock"; fi
	@python3 -c "import statsforecast" 2>/dev/null || python3 -m pip install -q statsforecast || echo "statsforecast unavailable: bench everyday runs Seer alone"
	@if [ -d ../shared/data/classic ]; then $(SEER_RELEASE) bench everyday; else echo "../shared/data is absent: skipping seer bench everyday"; fi
	$(SEER_RELEASE) bench serve --model gaussian
	$(SEER_RELEASE) bench serve --model linear --rate 8000

## slurm-demo: a single-node Slurm (slurm-wlm + munge, installed when missing, config and state in a
## temp folder) runs examples/slurm/retrain.sbatch as a 4-task array; checks every key was done once.
slurm-demo: release
	SEER=$(SEER_RELEASE) scripts/slurm-demo.sh

## fuzz: every parser under libFuzzer + AddressSanitizer (Fuzz/, its own package), seeded from
## data/, ../shared/data and inline samples; FUZZ_SECONDS per target (or FUZZ_RUNS executions),
## FUZZ_TARGETS to pick some. Crashes land in Fuzz/findings/ and fail the target.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_TARGETS ?=
FUZZ_MAX_LEN ?=
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_MAX_LEN="$(FUZZ_MAX_LEN)" scripts/fuzz.sh

## sanitize: the test suite under AddressSanitizer, then ThreadSanitizer (each in its own build
## folder, .build-asan and .build-tsan), with PostgreSQL as in `make test`; one summary line per
## sanitizer at the end. SANITIZERS picks some; SANITIZE_FILTER (a swift test --filter) narrows the
## suites; ASan and TSan reports fail the run (halt_on_error).
SANITIZERS ?= address thread
SANITIZE_FILTER ?=
sanitize: deps
	@summary=""; status=0; \
	if scripts/test-postgres.sh start >/dev/null; then pg="$$(scripts/test-postgres.sh url)"; else pg=""; fi; \
	for s in $(SANITIZERS); do \
	  dir=.build-$$(echo $$s | cut -c1)san; log=$$dir.log; \
	  echo "== $$s: building into $$dir (log: $$log)"; \
	  if ! $(SWIFT) build --build-tests --sanitize=$$s --scratch-path $$dir > $$log 2>&1; then \
	    summary="$$summary\n$$s: build failed (see $$log)"; status=1; continue; fi; \
	  start=$$(date +%s); \
	  SEER_TEST_POSTGRES="$$pg" ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	    $(SWIFT) test --skip-build --sanitize=$$s --scratch-path $$dir $(if $(SANITIZE_FILTER),--filter '$(SANITIZE_FILTER)') >> $$log 2>&1; rc=$$?; \
	  reports=$$(grep -c -E "^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)" $$log); \
	  line=$$(grep -E "Test run with .* (passed|failed)" $$log | tail -1 | sed 's/^[^T]*//'); \
	  summary="$$summary\n$$s: exit $$rc, $$reports sanitizer report(s), $$(( $$(date +%s) - start )) s: $$line"; \
	  [ $$rc = 0 ] && [ $$reports = 0 ] || status=1; \
	done; \
	scripts/test-postgres.sh stop >/dev/null 2>&1 || true; \
	printf "$$summary\n"; exit $$status

## static: a release `seer` that runs on machines with no Swift (the GPU machine): the Swift
## runtime and Foundation (--static-swift-stdlib), OpenBLAS with libgfortran and libquadmath,
## libcsv and SQLite linked in; only glibc, libstdc++ and libgcc_s stay shared (libpq, libcurl and
## CUDA are opened at run time, when used). pkg-config is pointed at .pc files whose -L is a folder
## holding only the archives, so that folder comes first in the link line and every -l finds a .a
## there (an -L added with -Xlinker came after pkg-config's and lost). Output: .build-static/seer,
## checked by scripts/check-static.sh. About 15 minutes on two cores.
STATIC_DIR := .build-static
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
static: deps
	@[ "$$(gcc -print-file-name=libgfortran.a)" != libgfortran.a ] || \
	  { echo "make static: installing libgfortran-12-dev (OpenBLAS's LAPACK needs libgfortran.a)"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libgfortran-12-dev; }
	@mkdir -p $(STATIC_DIR)/lib $(STATIC_DIR)/pkgconfig
	@for archive in /usr/lib/$(MULTIARCH)/libopenblas.a /usr/lib/$(MULTIARCH)/libcsv.a /usr/lib/$(MULTIARCH)/libsqlite3.a \
	    "$$(gcc -print-file-name=libgfortran.a)" "$$(gcc -print-file-name=libquadmath.a)"; do \
	  [ -f "$$archive" ] || { echo "make static: $$archive is missing" >&2; exit 1; }; \
	  ln -sf "$$(readlink -f "$$archive")" $(STATIC_DIR)/lib/$$(basename "$$archive"); done
	@printf 'Name: openblas\nDescription: OpenBLAS, static\nVersion: 0\nCflags: %s\nLibs: -L%s -lopenblas -lgfortran -lquadmath -lpthread -lm\n' \
	  "$$(pkg-config --cflags openblas)" "$(CURDIR)/$(STATIC_DIR)/lib" > $(STATIC_DIR)/pkgconfig/openblas.pc
	@printf 'Name: sqlite3\nDescription: SQLite, static\nVersion: 3\nCflags:\nLibs: -L%s -lsqlite3\n' \
	  "$(CURDIR)/$(STATIC_DIR)/lib" > $(STATIC_DIR)/pkgconfig/sqlite3.pc
	PKG_CONFIG_PATH=$(CURDIR)/$(STATIC_DIR)/pkgconfig $(SWIFT) build -c release --product seer --static-swift-stdlib \
	  --scratch-path $(STATIC_DIR) $(CPU_FLAGS)
	cp $(STATIC_DIR)/release/seer $(STATIC_DIR)/seer
	scripts/check-static.sh $(STATIC_DIR)/seer

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product seer $(CPU_FLAGS)

clean:
	rm -rf .build
