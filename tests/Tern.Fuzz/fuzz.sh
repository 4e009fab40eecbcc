#!/usr/bin/env bash
# Coverage-guided fuzzing of Tern's parsers under afl-fuzz (docs/FUZZING.md).
#
#   tests/Tern.Fuzz/fuzz.sh [target...]          each target for FUZZ_SECONDS (default 300), or until FUZZ_EXECS inputs when
#                                                that is set (whichever comes first when both are); the minimized queue
#                                                replaces tests/fuzz-corpus/<target>/
#   tests/Tern.Fuzz/fuzz.sh --smoke [target...]  each target for FUZZ_SMOKE_SECONDS (default 6); the corpus is left as it is
#                                                (a target afl-fuzz cannot start is reported, not failed, unless
#                                                FUZZ_SMOKE_STRICT=1), FUZZ_SMOKE_JOBS (default 2) targets at once
#
# Without targets, every target of `Tern.Fuzz list`. Expects `make build` (or `dotnet build tests/Tern.Fuzz`) first. Work
# files go to FUZZ_OUT (default artifacts/fuzz): bin/ (the instrumented copy), runs/<target>/ (afl's output), summary.tsv.
# Exits 1 when afl-fuzz found a crash or a hang (the inputs are replayed and their exceptions printed), or did not run.
set -euo pipefail
cd "$(dirname "$0")/../.."

config=${CONFIG:-Release}
out=${FUZZ_OUT:-artifacts/fuzz}
built=tests/Tern.Fuzz/bin/$config/net10.0
smoke=false
if [ "${1:-}" = "--smoke" ]; then
  smoke=true
  shift
fi

# afl-fuzz refuses to start when the kernel hands core dumps to a helper or scales CPU frequency, neither of which a
# shared or containerized machine lets us change; a .NET target reports its crashes through the fork server anyway.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# The target is `dotnet`, whose own binary carries no afl instrumentation: SharpFuzz instruments the managed code.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1
# Other engineers' jobs share the cores: do not pin to one.
export AFL_NO_AFFINITY=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -f "$built/Tern.Fuzz.dll" ]; then
  echo "fuzz: $built/Tern.Fuzz.dll is missing; run make build first" >&2
  exit 2
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(dotnet "$built/Tern.Fuzz.dll" list | cut -f1)
fi

# Instrument a copy: the build output stays as the tests use it.
rm -rf "$out/bin"
mkdir -p "$out/runs" "$out/seeds"
cp -r "$built" "$out/bin"
dotnet tool restore >/dev/null
dotnet sharpfuzz "$out/bin/Tern.Engine.dll" Tern.Engine >/dev/null
dotnet sharpfuzz "$out/bin/Tern.Transports.Fetch.dll" Tern.Transports.Fetch >/dev/null

rm -rf "$out/seeds"
dotnet "$built/Tern.Fuzz.dll" seeds tests/vectors "$out/seeds"

summary="$out/summary.tsv"
[ -f "$summary" ] || printf 'target\tseconds\texecs_done\texecs_per_sec\tedges_found\tbitmap_cvg\tcorpus_count\tsaved_crashes\tsaved_hangs\n' > "$summary"
rm -rf "$out/status"
mkdir -p "$out/status"

# One target under afl-fuzz; its outcome (passed, broken, unstarted) goes to $out/status/<target>.
fuzz_target() {
  local target=$1 input run stats findings f limit
  input="$out/in/$target"
  run="$out/runs/$target"
  rm -rf "$input" "$run"
  mkdir -p "$input"
  cp "$out/seeds/$target"/* "$input"/
  if [ -d "tests/fuzz-corpus/$target" ]; then
    cp "tests/fuzz-corpus/$target"/* "$input"/ 2>/dev/null || true
  fi

  if $smoke; then
    limit=(-V "${FUZZ_SMOKE_SECONDS:-6}")
  elif [ -n "${FUZZ_EXECS:-}" ]; then
    limit=(-E "$FUZZ_EXECS")
    if [ -n "${FUZZ_SECONDS:-}" ]; then
      limit+=(-V "$FUZZ_SECONDS")
    fi
  else
    limit=(-V "${FUZZ_SECONDS:-300}")
  fi

  # -t: the first inputs pay for the JIT; -m none: the runtime reserves far more address space than any limit allows.
  if ! afl-fuzz -i "$input" -o "$run" -t 5000 -m none "${limit[@]}" -- dotnet "$out/bin/Tern.Fuzz.dll" run "$target" > "$out/$target.log" 2>&1; then
    echo "fuzz: afl-fuzz did not run $target; the end of $out/$target.log:" >&2
    tail -n 20 "$out/$target.log" >&2
    if $smoke && [ "${FUZZ_SMOKE_STRICT:-0}" != 1 ]; then
      # A machine where afl-fuzz cannot start (shared memory, fork server) says nothing of the parsers: the smoke goes on,
      # loudly, and FuzzCorpusTests has already replayed every seed and corpus input in-process.
      echo unstarted > "$out/status/$target"
    else
      echo broken > "$out/status/$target"
    fi
    return
  fi

  stats="$run/default/fuzzer_stats"
  afl_stat() { awk -v k="$1" '$1 == k { print $3 }' "$stats"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$(afl_stat run_time)" "$(afl_stat execs_done)" "$(afl_stat execs_per_sec)" \
    "$(afl_stat edges_found)" "$(afl_stat bitmap_cvg)" "$(afl_stat corpus_count)" "$(afl_stat saved_crashes)" "$(afl_stat saved_hangs)" | tee -a "$summary"

  findings=$(find "$run/default/crashes" "$run/default/hangs" -type f -name 'id:*' 2>/dev/null | sort)
  if [ -n "$findings" ]; then
    echo "fuzz: $target broke its contract; replaying what afl-fuzz kept:" >&2
    # shellcheck disable=SC2086
    dotnet "$built/Tern.Fuzz.dll" replay "$target" $findings >&2 || true
    echo broken > "$out/status/$target"
  else
    echo passed > "$out/status/$target"
  fi

  if ! $smoke; then
    # Keep the corpus: the queue minimized to the inputs that each add coverage, named by content.
    rm -rf "$out/cmin/$target"
    # afl-cmin wants the target binary as a path, not a name to look up.
    if afl-cmin -i "$run/default/queue" -o "$out/cmin/$target" -t 5000 -m none -- "$(command -v dotnet)" "$out/bin/Tern.Fuzz.dll" run "$target" > "$out/$target.cmin.log" 2>&1; then
      rm -rf "tests/fuzz-corpus/$target"
      mkdir -p "tests/fuzz-corpus/$target"
      for f in "$out/cmin/$target"/*; do
        # Kept small: an input over 4 KiB (a size limit probed, say) is left to the unit tests and the next run.
        [ "$(stat -c %s "$f")" -le 4096 ] || continue
        cp "$f" "tests/fuzz-corpus/$target/$(sha1sum "$f" | cut -c1-16)"
      done
    else
      echo "fuzz: afl-cmin failed for $target (see $out/$target.cmin.log); the corpus is left as it was" >&2
    fi
  fi
}

# The smoke runs FUZZ_SMOKE_JOBS targets at once (default 2, one per core): each fuzzes its FUZZ_SMOKE_SECONDS on a core
# of its own, so the smoke takes about half the time and each target makes as many runs. A target's output is printed
# whole once it is done. The campaign runs one target at a time, each with the machine to itself.
parallel=1
if $smoke; then
  parallel=${FUZZ_SMOKE_JOBS:-2}
fi
if [ "$parallel" -gt 1 ]; then
  for target in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
      wait -n || true
    done
    fuzz_target "$target" > "$out/$target.smoke.out" 2>&1 &
  done
  wait || true
  for target in "${targets[@]}"; do
    cat "$out/$target.smoke.out"
  done
else
  for target in "${targets[@]}"; do
    fuzz_target "$target"
  done
fi

failed=0
passed=0
broken=0
unstarted=0
for target in "${targets[@]}"; do
  # A target whose run stopped before it wrote its outcome failed.
  case "$(cat "$out/status/$target" 2>/dev/null || echo broken)" in
    passed) passed=$((passed + 1)) ;;
    unstarted) unstarted=$((unstarted + 1)) ;;
    *) failed=1; broken=$((broken + 1)) ;;
  esac
done

# A target passes when afl-fuzz ran it and kept no crash or hang.
echo "fuzz: $passed passed, $broken failed$([ "$unstarted" -eq 0 ] || echo ", $unstarted not started (afl-fuzz could not run here)")"
exit $failed
