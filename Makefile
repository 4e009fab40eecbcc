# One-command set-up on a fresh Debian machine: every target installs what it needs first.
SHELL := /bin/bash
CONFIG ?= Release
DOTNET ?= dotnet
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

# Debian packages: the runtime needs none (NSec.Cryptography brings its own libsodium from NuGet); benchmarks add their
# peers (C baselines, nginx, wrk...) and Debian's libsodium, which bench-codec compares with NSec's (never loaded by Tern).
RUNTIME_PKGS :=
BENCH_PKGS := gcc libc6-dev util-linux coreutils python3 nginx wrk nghttp2-client curl libsodium23 libsodium-dev postfix spamd spamc
# Tests: a real DNS server on loopback for the discovery tests (dnsmasq-base: the binary alone, no system service), and
# Debian's chromium, which the status page test drives through Playwright (no browser download).
TEST_PKGS := dnsmasq-base chromium
# The demo: the same DNS server, which its two nodes find each other through.
DEMO_PKGS := dnsmasq-base
# Fuzzing: afl-fuzz drives the SharpFuzz-instrumented parsers (the instrumenter is the local dotnet tool in .config/).
FUZZ_PKGS := afl++
FUZZ_SECONDS ?= 300
# The smoke in make test: each target under afl-fuzz for 2 s after calibration (10k+ execs), to show it runs and keeps its
# contract on the seeds and corpus; `make fuzz` is the campaign.
FUZZ_SMOKE_SECONDS ?= 2

.PHONY: all deps test-deps demo-deps bench-deps fuzz-deps restore build build-tests test test-fast fuzz fuzz-smoke demo bench bench-begin bench-codec bench-transit bench-pending bench-ingest bench-send bench-fetch bench-fetch-verify bench-e2e bench-coldkey bench-flood bench-c2s bench-events bench-linkemu bench-bulk bench-gateway bench-load bench-economics bench-table killload vectors clean

all: build

deps:
	@missing=""; for p in $(RUNTIME_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

bench-deps: deps
	@missing=""; for p in $(BENCH_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

test-deps: deps
	@missing=""; for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

demo-deps: deps
	@missing=""; for p in $(DEMO_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

fuzz-deps: deps
	@missing=""; for p in $(FUZZ_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

restore: deps
	$(DOTNET) restore Engine.sln

build: restore
	$(DOTNET) build Engine.sln -c $(CONFIG) --no-restore

# make test's build: every project of Engine.sln but the benchmarks' own programs (Tests.slnf; make bench builds those).
build-tests: restore
	$(DOTNET) build Tests.slnf -c $(CONFIG) --no-restore

test: build-tests test-deps fuzz-deps
	bench/stats-test.sh
	CONFIG=$(CONFIG) DOTNET=$(DOTNET) tests/run-tests.sh
	FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS) CONFIG=$(CONFIG) tests/Tern.Fuzz/fuzz.sh --smoke

# The inner loop: every test but those that start child processes (Category=Process: the crash harness, the node
# harnesses, the demo, dnsmasq) and without the fuzz smoke. `make test` runs everything before a merge.
test-fast: build
	$(DOTNET) test Engine.sln -c $(CONFIG) --no-build --filter "Category!=Process"

# Every fuzz target under afl-fuzz for FUZZ_SECONDS (FUZZ_EXECS=n stops a target after about n inputs); the minimized
# queue of each replaces tests/fuzz-corpus/<target>/. FUZZ_TARGETS="a b" runs some. See docs/FUZZING.md.
fuzz: build fuzz-deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) CONFIG=$(CONFIG) tests/Tern.Fuzz/fuzz.sh $(FUZZ_TARGETS)

# A few seconds of each target under afl-fuzz: part of `make test`.
fuzz-smoke: build fuzz-deps
	FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS) CONFIG=$(CONFIG) tests/Tern.Fuzz/fuzz.sh --smoke $(FUZZ_TARGETS)

# Two `tern run` processes found through dnsmasq on loopback, driven with the `tern` command (docs/CLI.md, `tern demo`).
demo: build demo-deps
	$(DOTNET) hosts/Tern.Cli/bin/$(CONFIG)/net10.0/tern.dll demo

# Regenerates tests/vectors from fixed secrets; the tests check the committed files both ways.
vectors: build
	$(DOTNET) run --project tests/Tern.Vectors -c $(CONFIG) --no-build -- tests/vectors

# Every benchmark writes its report to perf-reports/; each runs beside its baseline in the same script.
# Every benchmark with its baseline beside it, then the one table (perf-reports/README.md) from the rows each wrote.
bench: bench-begin bench-codec bench-transit bench-pending bench-ingest bench-send bench-fetch bench-fetch-verify bench-e2e bench-coldkey bench-flood bench-c2s bench-events bench-linkemu bench-bulk bench-gateway bench-load bench-economics
	bench/table.sh

# make bench's first step: a fresh list of how long each script takes (bench/durations.sh; bench/table.sh writes it under
# the table beside each script's budget, bench/budgets.tsv). BENCH_FULL=1 (make bench BENCH_FULL=1) runs every script's
# full variant: more rounds and longer runs, beyond the 45-minute budget (docs/BENCHMARKS.md).
bench-begin:
	bench/durations.sh begin

# The one table alone, from the rows the benchmarks last wrote (perf-reports/summary/).
bench-table:
	bench/table.sh

bench-codec: bench-deps build
	bench/durations.sh run codec bench/run-codec.sh

bench-transit: bench-deps build
	bench/durations.sh run transit bench/run-transit.sh

bench-pending: bench-deps build
	bench/durations.sh run pending bench/run-pending.sh

bench-ingest: bench-deps build
	bench/durations.sh run ingest bench/run-ingest.sh

bench-send: bench-deps build
	bench/durations.sh run send bench/run-send.sh

bench-fetch: bench-deps build
	bench/durations.sh run fetch bench/run-fetch.sh

bench-fetch-verify: bench-deps build
	bench/durations.sh run fetch-verify bench/run-fetch-verify.sh

bench-e2e: bench-deps build
	bench/durations.sh run e2e bench/run-e2e.sh

bench-coldkey: bench-deps build
	bench/durations.sh run coldkey bench/run-coldkey.sh

bench-flood: bench-deps build
	bench/durations.sh run flood bench/run-flood.sh

bench-c2s: bench-deps build
	bench/durations.sh run c2s bench/run-c2s.sh

bench-events: build
	bench/durations.sh run events bench/run-events.sh

# The spam-economics report (issue 18): a bulk campaign through three nodes beside Postfix + spamd and the naive
# sender-stores design: perf-reports/spam-economics.md and perf-reports/economics/*.svg. `--full`: bench/run-economics.sh --full.
bench-economics: bench-deps build
	bench/durations.sh run economics bench/run-economics.sh

# The link emulator's own ceiling (UDP and TCP rates, added latency) beside direct loopback: perf-reports/linkemu.md.
bench-linkemu: build
	bench/durations.sh run linkemu bench/run-linkemu.sh

# Bulk transfer gateway to gateway over the emulated GEO and LEO links, beside Tern's HTTP fetch over the same link
# (perf-reports/bulk.md).
bench-bulk: build
	bench/durations.sh run bulk bench/run-bulk.sh

# The gateway's contact windows opened by a running scheduler against their plan (beside a bare timer of the same scaled
# clock) and the admin route's expiring-before-T over 1M held blobs (beside a plain scan): perf-reports/gateway.md.
bench-gateway: build
	bench/durations.sh run gateway bench/run-gateway.sh

# Open-model load against `tern run` processes, each scenario beside its baseline (docs/BENCHMARKS.md).
bench-load: build
	bench/durations.sh run load-flood bench/run-load.sh flood
	bench/durations.sh run load-fetch bench/run-load.sh fetch
	bench/durations.sh run load-mixed bench/run-load.sh mixed
	bench/durations.sh run load-campaign bench/run-load.sh campaign

# Kill under load (issue 18): mixed load against two `tern run` processes, one SIGKILLed at a seeded random moment of
# each period and restarted, 24 times; fails on any acknowledged submission, reference or stored message lost
# (perf-reports/killload.md). `make test` runs the same with three kill points (tests/Tern.Load.Tests, KillLoadTests).
killload: build
	bench/run-killload.sh

clean:
	$(DOTNET) clean Engine.sln -c $(CONFIG)
