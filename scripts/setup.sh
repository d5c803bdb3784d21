#!/usr/bin/env bash
# Prepares a fresh Debian or Ubuntu machine for `npm run demo`, `npm test` and `npm run bench`:
# Debian packages (installed when missing and we are root or have sudo, otherwise the exact
# command is printed), npm packages, the offline VS Code test host, and a build.
set -euo pipefail
cd "$(dirname "$0")/.."

# Command on PATH -> Debian package that provides it.
declare -A wanted=(
  [xpra]=xpra
  [Xvfb]=xvfb
  [xterm]=xterm
  [chromium]=chromium
  [xev]=x11-utils
  [xdotool]=xdotool
  [openssl]=openssl
)
missing=()
for command in "${!wanted[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${wanted[$command]}")
done
# The webview tests make their pictures with ImageMagick at this path. Another `convert`
# earlier on PATH does not count.
[ -x /usr/bin/convert ] || missing+=(imagemagick)
# code-server's native modules build against Kerberos headers.
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
# The benchmark's animation workload draws with cairo through GTK's Python bindings.
/usr/bin/python3 -c "import gi; gi.require_foreign('cairo')" >/dev/null 2>&1 || missing+=(python3-gi-cairo)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
else
  echo "setup: Debian packages already installed"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi

bash scripts/setup-test-host.sh
node esbuild.mjs
