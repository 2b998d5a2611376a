#!/usr/bin/env bash
# Runs a playbook in N shards side by side on this machine, then prints their one PLAY RECAP and
# exits with the code a single run would give (docs/fleet.md).
#   bash fleet/shards.sh N PLAYBOOK [run-playbook options...]
# Each shard's --json events are kept in SHARD_LOGS (default: a temporary directory, removed after).
set -euo pipefail
if [ $# -lt 2 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bash fleet/shards.sh N PLAYBOOK [run-playbook options...] (N: how many shards, 1 or more)" >&2
  exit 5
fi
count=$1
shift
cli="$(cd "$(dirname "$0")/.." && pwd)/dist/cli.js"
logs=${SHARD_LOGS:-}
if [ -z "$logs" ]; then
  logs=$(mktemp -d)
  trap 'rm -rf "$logs"' EXIT
fi
mkdir -p "$logs"
pids=()
for ((i = 0; i < count; i++)); do
  node "$cli" "$@" --shard "$i/$count" --json > "$logs/shard-$i.json" &
  pids+=($!)
done
# A shard refused before it began (bad options) wrote no events: its own exit code says so.
own=0
for i in "${!pids[@]}"; do
  code=0
  wait "${pids[$i]}" || code=$?
  case $code in 0 | 2 | 4 | 6) ;; *) [ "$own" -ne 0 ] || own=$code ;; esac
done
code=0
node "$cli" recap "$logs"/shard-*.json || code=$?
exit $((own ? own : code))
