#!/usr/bin/env bash
# The spam-economics report (issue 18): a bulk campaign through three `tern run` nodes beside the naive sender-stores
# design and Postfix + spamd, in one run on this machine. Writes perf-reports/spam-economics.md, its SVG plots and raw
# figures in perf-reports/economics/, and its rows for the one table (perf-reports/summary/economics.tsv).
#   bench/run-economics.sh            100 000 recipients a campaign and 20 000 more nobody pulls (the slope's small
#                                     size); the naive baseline 20 000 and SMTP 200 (their figures are per notification
#                                     and per message)
#   bench/run-economics.sh --full     1 000 000 recipients a campaign (and 200 000), SMTP 1000
# RECIPIENTS, SMALL_RECIPIENTS (default a fifth), SMTP_RECIPIENTS, PULL (comma-separated rates) override the scale.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
CONFIG=${CONFIG:-Release}
RECIPIENTS=${RECIPIENTS:-100000}
SMTP_RECIPIENTS=${SMTP_RECIPIENTS:-200}
if [ "${1:-}" = "--full" ]; then RECIPIENTS=${RECIPIENTS_FULL:-1000000}; SMTP_RECIPIENTS=1000; fi
SMALL_RECIPIENTS=${SMALL_RECIPIENTS:-$((RECIPIENTS / 5))}
PULL=${PULL:-0,0.001,0.01,0.1}
command="bench/run-economics.sh $*"
[ "$RECIPIENTS" = 100000 ] && [ "$SMALL_RECIPIENTS" = 20000 ] || command="RECIPIENTS=$RECIPIENTS SMALL_RECIPIENTS=$SMALL_RECIPIENTS SMTP_RECIPIENTS=$SMTP_RECIPIENTS $command"

summary_begin economics
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# Expects a build (make build, which `make bench-economics` runs first): two more `dotnet build` calls here cost half a
# minute of make bench's budget even when nothing changed.
tern=hosts/Tern.Cli/bin/$CONFIG/net10.0/tern.dll
economics=bench/Tern.Economics/bin/$CONFIG/net10.0/Tern.Economics.dll
[ -f "$tern" ] && [ -f "$economics" ] || { echo "build first: $tern or $economics missing (make build)"; exit 1; }
out=perf-reports/economics
mkdir -p "$out"

# The SMTP baseline's private Postfix and spamd (root for Postfix's master: the script uses sudo when not root).
smtp_args=()
smtp_dir=$(mktemp -d /tmp/tern-economics-smtp.XXXXXX)
cleanup() { bench/economics/smtp-down.sh "$smtp_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if ! command -v postfix >/dev/null || ! command -v spamd >/dev/null; then
  smtp_args=(--smtp-why "postfix or spamd is not installed (make bench-deps installs them)")
elif ! { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
  smtp_args=(--smtp-why "Postfix's master needs root and sudo asks for a password")
else
  smtp_port=$(port) spamd_port=$(port)
  if bench/economics/smtp-up.sh "$smtp_dir" "$smtp_port" "$spamd_port" > "$out/smtp-up.log" 2>&1; then
    smtp_args=(--smtp-dir "$smtp_dir" --smtp-port "$smtp_port" --smtp-recipients "$SMTP_RECIPIENTS"
               --postfix-pid "$(cat "$smtp_dir/spool/pid/master.pid")" --spamd-pid "$(cat "$smtp_dir/spamd.pid")")
  else
    smtp_args=(--smtp-why "bench/economics/smtp-up.sh failed: $(tail -n 2 "$out/smtp-up.log" "$smtp_dir/maillog" 2>/dev/null | grep -v '^==>' | grep . | tail -n 2 | tr '\n' ' ')")
  fi
fi

machine="$(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | awk '{print $1, $2, $3}'), $(uname -r), .NET $(dotnet --version)"
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo "+dirty")
nice -n 10 dotnet "$economics" run --out "$out" --reports perf-reports --tern "$tern" \
  --recipients "$RECIPIENTS" --small-recipients "$SMALL_RECIPIENTS" --pull "$PULL" --command "$command" --commit "$commit" --machine "$machine" --load-start "$load_start" "${smtp_args[@]}" \
  2>&1 | while IFS= read -r line; do printf '%s %s\n' "$(date -u +%T)" "$line"; done   # each phase's time, for the budget

while IFS=$'\t' read -r metric value baseline ratio target; do
  # A baseline that did not run (the SMTP one when Postfix would not start) has no figure: say so, with no ratio.
  [ "$baseline" = NaN ] && baseline="not measured (spam-economics.md says why)"
  [ "$ratio" = NaN ] && ratio="—"
  summary_row "$metric" "$value" "$baseline" "$ratio" "$target"
done < "$out/summary-rows.tsv"
summary_write
echo "wrote perf-reports/spam-economics.md"
