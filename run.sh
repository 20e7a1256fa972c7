#!/usr/bin/env bash
# Sets up whatever this machine lacks, builds, and starts the whole system through the AppHost.
#   ./run.sh                 start everything; the API answers on http://127.0.0.1:8000, the dashboard on http://127.0.0.1:18888
#   ./run.sh --setup-only    only install and build (./test.sh uses this)
#   ./run.sh -- ARGS         pass ARGS to the AppHost (e.g. -- --api-port 8080 --state-dir /tmp/uploads)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

setup_only=false
if [[ "${1:-}" == "--setup-only" ]]; then setup_only=true; shift; fi
if [[ "${1:-}" == "--" ]]; then shift; fi

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

install_services() {
  local missing=()
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  { [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] && command -v epmd >/dev/null; } || missing+=(rabbitmq-server)
  command -v setsid >/dev/null && command -v setpriv >/dev/null || missing+=(util-linux)
  [[ -x /usr/sbin/clamd ]] || missing+=(clamav-daemon)
  # The worker makes thumbnails and previews with libvips (through NetVips), which reads PDFs with poppler.
  ldconfig -p | grep -q 'libvips\.so\.42 ' || missing+=(libvips42)
  { ldconfig -p | grep -q 'libmagic\.so\.1 ' && [[ -e /usr/share/misc/magic.mgc || -e /usr/lib/file/magic.mgc ]]; } || missing+=(libmagic1 libmagic-mgc)
  if ((${#missing[@]})); then
    say "Installing ${missing[*]} (Debian packages)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_storage_server() {
  local dir=Uploads.AppHost/StorageServer
  command -v node >/dev/null || { echo "Node.js 20 is required for the storage server (s3rver)." >&2; exit 1; }
  if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    say "Installing the storage server (npm ci)"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
}

# The pages' third-party code (hash-wasm, Uppy) comes from npm, pinned by the lock file, bundled into wwwroot/vendor.
build_page_vendor() {
  local dir=Uploads.Api/Frontend
  if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    say "Installing the pages' packages (npm ci)"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
  if [[ ! -f Uploads.Api/wwwroot/vendor/uppy.js || $dir/node_modules/.package-lock.json -nt Uploads.Api/wwwroot/vendor/uppy.js ]] \
    || [[ -n $(find "$dir/vendor" -newer Uploads.Api/wwwroot/vendor/uppy.js -print -quit) ]]; then
    say "Bundling the pages' packages (esbuild)"
    npm run --prefix "$dir" --silent build
  fi
}

build() {
  say "Building"
  dotnet build Uploads.sln --nologo -v quiet -clp:ErrorsOnly
}

install_services
install_storage_server
build_page_vendor
build

if $setup_only; then exit 0; fi

say "Starting the AppHost (Ctrl+C stops everything)"
exec dotnet Uploads.AppHost/bin/Debug/net10.0/Uploads.AppHost.dll "$@"
