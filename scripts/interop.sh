#!/usr/bin/env bash
# `npm run interop [-- what]`: the interoperability runs (docs/interop.md).
#   npm run interop              the interop tier (same as `npm test -- test/interop`)
#   npm run interop -- cluster   the RabbitMQ cluster failover run, on request
#                                (about 5 min; writes docs/interop-cluster.json/.svg)
#     CLUSTER_DEVICES=240        devices (host processes of 120 connections)
#     CLUSTER_JITTERS=10,0       reconnect jitter per run, % (0 = off)
#     CLUSTER_DEBUG=1            keep the devices' and nodes' logs in build/interop/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what="${1:-tier}"
case "$what" in
  tier) exec bash scripts/test.sh test/interop ;;
  cluster)
    bash scripts/setup.sh
    node_modules/.bin/tsc -p .
    exec node build/test/interop/cluster.js ;;
  *) echo "usage: npm run interop [-- cluster]" >&2; exit 2 ;;
esac
