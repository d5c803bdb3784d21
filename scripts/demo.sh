#!/usr/bin/env bash
# `npm run demo [-- --screenshot FILE.png]`: sets the machine up, starts a local secured xpra
# server with xterm and opens it in VS Code with the extension attached.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node scripts/demo.mjs "$@"
