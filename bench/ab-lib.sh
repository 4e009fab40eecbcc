# Shared by bench/ab-*.sh: builds Tern.UdpBench at a revision in a temporary git worktree (or uses this checkout's build
# for "."), and removes the worktrees on exit. Sourced, not run; brings bench/stats.sh (median, ratio) with it.
source "$(dirname "${BASH_SOURCE[0]}")/stats.sh"
ab_trees=()
ab_cleanup() { for t in "${ab_trees[@]}"; do git worktree remove --force "$t" 2>/dev/null || rm -rf "$t"; done; git worktree prune; }
trap ab_cleanup EXIT

# ab_build <rev>: sets ab_dll to the Tern.UdpBench.dll built at <rev> ("." = this checkout, built by `make build`; a
# directory holding a Tern.UdpBench.dll = that build).
# Not in a subshell: the worktree it adds must be known to ab_cleanup.
ab_build() {
  local rev=$1
  if [ "$rev" = . ]; then
    ab_dll=$PWD/bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll
    [ -f "$ab_dll" ] || { echo "build first: $ab_dll missing (make build)" >&2; exit 1; }
    return
  fi
  if [ -f "$rev/Tern.UdpBench.dll" ]; then
    ab_dll=$rev/Tern.UdpBench.dll # a build kept aside (a directory), e.g. of the base before a change
    return
  fi
  local tree; tree=$(mktemp -d /tmp/tern-ab-tree-XXXXXX); rmdir "$tree"
  git worktree add -q --detach "$tree" "$rev" >&2
  ab_trees+=("$tree")
  dotnet build "$tree/bench/Tern.UdpBench" -c Release -v quiet -nologo >&2 || { echo "build of $rev failed" >&2; exit 1; }
  ab_dll=$tree/bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll
}

ab_describe() { [ "$1" != . ] && [ -d "$1" ] && { echo "the build in $1"; return; }; [ "$1" = . ] && echo "this checkout ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo ', with uncommitted changes'))" || echo "$(git rev-parse --short "$1")"; }

