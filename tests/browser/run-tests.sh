#!/bin/sh
# Runs the console's browser tests (CTest: server.browser). Installs puppeteer-core from npm first
# when node_modules is missing (puppeteer-core downloads no browser: Debian's chromium is used).
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/puppeteer-core ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
exec node browser_test.mjs
