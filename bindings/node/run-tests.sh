#!/bin/sh
# Runs the Node binding's tests (CTest: node_test), or with `types TSC` the check of
# lib/index.d.ts (CTest: node_types). Installs koffi from npm first when node_modules is
# missing. UNDERTAKE_LIBRARY names the C library under test.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/koffi ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
if [ "${1:-}" = types ]; then
  exec node test/check-types.js "${2:-tsc}"
fi
exec node --test test/*.test.js
