#!/usr/bin/env bash
# `npm run bench [-- --quick]`: the frame-pipeline benchmark against a real xpra server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Validating a 2,000-line session file: the work the editor does after each keystroke.
echo "bench: session-file validation"
node --import tsx test/unit/session-file/bench-validate.ts
exec node --import tsx bench/run.ts "$@"
