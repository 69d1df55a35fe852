#!/bin/sh
# Runs the Node binding's tests (CTest: node_test). Installs koffi from npm first when
# node_modules is missing. UNDERTAKE_LIBRARY names the C library under test.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/koffi ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
exec node --test test/*.test.js
