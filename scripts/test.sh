#!/usr/bin/env bash
# `npm test`: sets the machine up, then runs every suite with node's test runner, one file at a
# time because the conformance and integration suites each start real xpra servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

mapfile -t files < <(find test/unit test/conformance test/webview test/integration bench/test -name '*.test.ts' -not -path 'test/integration/suite/*' | sort)
if [ ${#files[@]} -eq 0 ]; then
  echo "test: no test files found" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
