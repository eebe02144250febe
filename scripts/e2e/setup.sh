#!/usr/bin/env bash
# Prepares everything the end-to-end tests (test/e2e/) and `npm start` need, idempotently. It is run by
# scripts/e2e/prepare.mjs, which `npm test` (scripts/e2e/run.mjs) and `npm start` (scripts/start.ts) both call:
#   1. Debian packages: chromium (the browser Playwright drives), ripgrep (VS Code's search binary),
#      libkrb5-dev + pkg-config (to build the `kerberos` native module), make, g++ and python3 (node-gyp).
#      Installed with apt-get when run as root; otherwise it stops and prints the one command to run.
#      apt is skipped when all are present.
#   2. code-server (real VS Code, served to a browser) in <repo>/.cache/code-server, built once (about 1.5 min)
#      and reused while the marker file there names the same version. code-server's own postinstall.sh downloads
#      ripgrep from the internet, so we install with --ignore-scripts and do its steps by hand.
#   3. Verifies the native modules load and code-server answers --version, every time (a few seconds).
# One run at a time per cache: a second run waits for the first (flock on .cache/code-server.lock).
#
#   bash scripts/e2e/setup.sh            # prepare or verify
#   E2E_SETUP_FORCE=1 bash scripts/e2e/setup.sh   # rebuild the code-server cache from scratch
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
APT_PACKAGES=(libkrb5-dev pkg-config ripgrep chromium redis-server)
# Build tools for node-gyp, checked by command (any provider will do) and installed by these package names.
BUILD_TOOLS=(make g++ python3)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache/code-server"
MARKER="$CACHE/.e2e-ready"
MARKER_CONTENT="code-server@$CODE_SERVER_VERSION node-$(node -p 'process.versions.modules') $(uname -m)"
CS="$CACHE/node_modules/code-server"
VSCODE="$CS/lib/vscode"

STEP_T=$SECONDS
step() { STEP_T=$SECONDS; echo "e2e-setup: $*"; }
done_step() { echo "e2e-setup:   ...done in $((SECONDS - STEP_T))s"; }
fail() {
  echo "" >&2
  echo "e2e-setup: ERROR: $*" >&2
  exit 1
}
# Quiet npm, but keep its output for the error message when it fails.
run_logged() {
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    rm -f "$log"
    fail "command failed (in $(pwd)): $*"
  fi
  grep -E "npm (warn|error)" "$log" | sed 's/^/e2e-setup:   /' || true
  rm -f "$log"
}

# One setup at a time on this cache (two worktrees may share it through a link): the second waits.
# (No lock without flock or on a read-only cache: a cache that needs building would fail there anyway.)
LOCK="$ROOT/.cache/code-server.lock"
mkdir -p "$ROOT/.cache" 2>/dev/null || true
if command -v flock >/dev/null && ( : >>"$LOCK" ) 2>/dev/null; then
  exec 9>>"$LOCK"
  if ! flock -n 9; then
    echo "e2e-setup: another setup holds $LOCK: waiting for it (up to 10 min)"
    flock -w 600 9 || fail "another scripts/e2e/setup.sh still holds $LOCK after 10 min"
  fi
fi

# ---------------------------------------------------------------------------------------------------------
# 0. Node: code-server 4.100.x requires Node 20 (its native modules are built against the running Node).
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || fail "code-server $CODE_SERVER_VERSION needs Node 20; this is Node $(node --version)."

# ---------------------------------------------------------------------------------------------------------
# 1. Debian packages.
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
for tool in "${BUILD_TOOLS[@]}"; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    fail "missing Debian packages: ${missing[*]}. Install them, then rerun:
  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  command -v apt-get >/dev/null || fail "missing packages (${missing[*]}) and no apt-get on this machine: install their equivalents, then rerun."
  step "installing Debian packages (as root, with apt-get): ${missing[*]}"
  run_logged apt-get update
  run_logged env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  done_step
else
  echo "e2e-setup: Debian packages present (${APT_PACKAGES[*]} ${BUILD_TOOLS[*]}), apt skipped"
fi
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing: apt-get install -y chromium"
[ -x /usr/bin/rg ] || fail "/usr/bin/rg is missing: apt-get install -y ripgrep"

# node-gyp must not download Node's headers (no internet): use the ones installed with Node when npm
# has no nodedir configured.
configured_nodedir="$(npm config get nodedir 2>/dev/null || true)"
if [ -z "${npm_config_nodedir:-}" ] && { [ -z "$configured_nodedir" ] || [ "$configured_nodedir" = undefined ] || [ "$configured_nodedir" = null ]; }; then
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$node_prefix/include/node/node_version.h" ]; then
    export npm_config_nodedir="$node_prefix"
  fi
fi

# ---------------------------------------------------------------------------------------------------------
# 2. code-server in .cache/code-server.
if [ -n "${E2E_SETUP_FORCE:-}" ]; then rm -f "$MARKER"; fi
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$MARKER_CONTENT" ]; then
  echo "e2e-setup: code-server cache present ($MARKER_CONTENT), reused"
else
  [ -f "$MARKER" ] && echo "e2e-setup: cache marker says '$(cat "$MARKER")', want '$MARKER_CONTENT': rebuilding"
  rm -rf "$CACHE"
  mkdir -p "$CACHE"
  cat >"$CACHE/package.json" <<'EOF'
{
  "name": "dropout-lab-e2e-code-server",
  "private": true,
  "description": "Cache for the end-to-end tests, made by scripts/e2e/setup.sh. Not part of the extension."
}
EOF

  step "npm install code-server@$CODE_SERVER_VERSION (scripts off: its postinstall downloads ripgrep)"
  (cd "$CACHE" && run_logged npm install --ignore-scripts --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION")
  [ -f "$CS/postinstall.sh" ] || fail "code-server package has no postinstall.sh; re-check the manual steps in this script."
  done_step

  # What postinstall.sh's vscode_install does, minus downloads:
  step "lib/vscode: npm install --omit=dev (scripts off), ripgrep from /usr/bin/rg, npm rebuild of native modules"
  (
    cd "$VSCODE"
    run_logged npm install --omit=dev --ignore-scripts --no-audit --no-fund
    # @vscode/ripgrep's postinstall downloads rg unless bin/ already exists: provide Debian's.
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
    chmod 755 node_modules/@vscode/ripgrep/bin/rg
    # Builds kerberos, node-pty, @vscode/spdlog, native-watchdog, ... with node-gyp (@parcel/watcher uses the
    # binary shipped in its npm package). build_from_source=kerberos: prebuild-install would try a download first.
    run_logged env npm_config_yes=true npm_config_build_from_source=kerberos npm rebuild --no-audit --no-fund
    # symlink_asar
    rm -rf node_modules.asar && ln -s node_modules node_modules.asar
    # symlink_bin_script remote-cli code code-server ; symlink_bin_script helpers browser browser .sh
    (cd bin/remote-cli && rm -rf code-server && ln -s code-linux.sh code-server)
    (cd bin/helpers && rm -rf browser.sh && ln -s browser-linux.sh browser.sh)
  )
  done_step

  step "lib/vscode/extensions: npm install --omit=dev"
  (cd "$VSCODE/extensions" && run_logged npm install --omit=dev --no-audit --no-fund)
  done_step

  step "npm rebuild argon2 (code-server's password hashing, loaded at start-up)"
  # build_from_source=argon2: node-pre-gyp would try to download a prebuilt binary first.
  (cd "$CACHE" && run_logged env npm_config_build_from_source=argon2 npm rebuild argon2 --no-audit --no-fund)
  done_step
fi

# ---------------------------------------------------------------------------------------------------------
# 3. Verify, every time: the native modules load and work, the links exist, code-server starts its CLI.
step "verifying native modules and code-server"
[ -x "$VSCODE/node_modules/@vscode/ripgrep/bin/rg" ] || fail "ripgrep missing in $VSCODE/node_modules/@vscode/ripgrep/bin (rerun with E2E_SETUP_FORCE=1)"
[ -L "$VSCODE/node_modules.asar" ] || fail "node_modules.asar link missing (rerun with E2E_SETUP_FORCE=1)"
[ -e "$VSCODE/bin/remote-cli/code-server" ] || fail "bin/remote-cli/code-server link missing (rerun with E2E_SETUP_FORCE=1)"
[ -e "$VSCODE/bin/helpers/browser.sh" ] || fail "bin/helpers/browser.sh link missing (rerun with E2E_SETUP_FORCE=1)"
[ -d "$VSCODE/extensions/node_modules/typescript" ] || fail "lib/vscode/extensions/node_modules is missing (rerun with E2E_SETUP_FORCE=1)"
(
  cd "$VSCODE"
  timeout 60 node --input-type=commonjs -e '
    const failures = [];
    const check = (name, fn) => { try { fn(); } catch (e) { failures.push(`${name}: ${e.message.split("\n")[0]}`); } };
    check("@vscode/spdlog", () => { const m = require("@vscode/spdlog"); if (typeof m.version !== "number" && typeof m.version !== "string") throw new Error("no native version"); });
    check("native-watchdog", () => { if (typeof require("native-watchdog").start !== "function") throw new Error("no start()"); });
    check("@parcel/watcher", () => { if (typeof require("@parcel/watcher").subscribe !== "function") throw new Error("no subscribe()"); });
    check("kerberos", () => { if (typeof require("kerberos").initializeClient !== "function") throw new Error("no initializeClient()"); });
    check("@vscode/ripgrep", () => { require("child_process").execFileSync(require("@vscode/ripgrep").rgPath, ["--version"]); });
    let pty;
    check("node-pty", () => { pty = require("node-pty"); });
    const done = () => {
      if (failures.length) { console.error("native modules that do not load:\n  " + failures.join("\n  ")); process.exit(1); }
    };
    if (!pty || failures.length) {
      done();
    } else {
      // A real pseudo-terminal round trip: the integrated terminal depends on it.
      const term = pty.spawn("/bin/echo", ["pty-ok"], {});
      let out = "";
      term.onData((d) => { out += d; });
      term.onExit(() => { if (!out.includes("pty-ok")) failures.push("node-pty: no output from /bin/echo"); done(); });
    }
  ' || fail "code-server's native modules did not build or load (see above). Check that g++, make, python3 and libkrb5-dev are installed, then rerun with E2E_SETUP_FORCE=1."
)
(
  cd "$CACHE"
  timeout 60 node -e 'require("argon2").hash("e2e").then((h) => { if (!h.startsWith("$argon2")) process.exit(1); })' \
    || fail "argon2 (code-server's native password hashing) does not load: rerun with E2E_SETUP_FORCE=1"
)
# code-server writes a default config.yaml under $XDG_CONFIG_HOME even for --version: keep it out of $HOME.
scratch="$(mktemp -d)"
version_out="$(XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" timeout 60 node "$CS/out/node/entry.js" --version 2>&1)" || {
  rm -rf "$scratch"
  fail "code-server --version failed: $version_out"
}
rm -rf "$scratch"
version_line="$(echo "$version_out" | grep "^$CODE_SERVER_VERSION " || true)"
[ -n "$version_line" ] || fail "unexpected code-server --version output: $version_out"
/usr/bin/chromium --version 2>/dev/null | grep -q Chromium || fail "/usr/bin/chromium does not run"
done_step

echo "$MARKER_CONTENT" >"$MARKER"
echo "e2e-setup: ready: code-server $version_line; $(/usr/bin/chromium --version 2>/dev/null); total ${SECONDS}s"
