#!/bin/sh
# Runs scenario.js (CTest: example_node_scenario), installing the binding's koffi when missing.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
binding="$here/../../bindings/node"
if [ ! -d "$binding/node_modules/koffi" ]; then
  (cd "$binding" && npm install --no-audit --no-fund --loglevel=error)
fi
exec node "$here/scenario.js" "$@"
