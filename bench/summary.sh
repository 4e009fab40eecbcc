# The headline rows each benchmark contributes to perf-reports/README.md (bench/table.sh). Sourced by a run-*.sh:
#   summary_begin <name>                                   at the start (the rows go to perf-reports/summary/<name>.tsv)
#   summary_row <metric> <tern> <baseline> <ratio> <target> once per headline figure
#   summary_write                                          at the end, after the report is written
# The ratio is a plain number oriented so that higher is better for Tern: Tern / baseline for a rate, baseline / Tern
# for a latency or a cost (the metric says which). A row that could not be measured says why in <tern> and leaves the
# ratio "—". Each row gets the run's date, commit, machine and load average beside it.

summary_begin() {
  summary_name=$1
  summary_rows=()
  summary_load_before=$(cut -d' ' -f1 /proc/loadavg)
}

summary_row() {
  [ $# -eq 5 ] || { echo "summary_row: metric tern baseline ratio target" >&2; return 1; }
  summary_rows+=("$(printf '%s\t%s\t%s\t%s\t%s' "$1" "$2" "$3" "$4" "$5")")
}

summary_write() {
  local dir=perf-reports/summary date commit machine load
  mkdir -p "$dir"
  date=$(date -u +%Y-%m-%dT%H:%MZ)
  commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo "+dirty")
  machine="$(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | awk '{print $1, $2}'), $(uname -r)"
  load="$summary_load_before–$(cut -d' ' -f1 /proc/loadavg)"
  {
    for row in "${summary_rows[@]}"; do
      printf '%s\t%s\t%s\t%s\t%s\n' "$row" "$date" "$commit" "$machine" "$load"
    done
  } > "$dir/$summary_name.tsv"
}
