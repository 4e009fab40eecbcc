#!/usr/bin/env bash
# Stops the private Postfix and spamd of smtp-up.sh under $1 and removes the directory.
set -uo pipefail
dir=$1
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
$SUDO /usr/sbin/postfix -c "$dir/etc" stop 2>/dev/null
[ -s "$dir/spamd.pid" ] && $SUDO kill "$(cat "$dir/spamd.pid")" 2>/dev/null
sleep 1
$SUDO rm -rf "$dir"
