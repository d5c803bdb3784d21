#!/usr/bin/env bash
# `npm run bench [-- --quick]`: the frame-pipeline benchmark against a real xpra server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node --import tsx bench/run.ts "$@"
