#!/usr/bin/env bash
# Sets up whatever this machine lacks (as ./run.sh does), then runs every test of the solution.
# Integration tests start their own isolated stack (temporary folder, free ports): they run beside ./run.sh.
#   ./test.sh                     every test; results in TestResults/*.trx
#   ./test.sh --filter NAME       any further arguments go to dotnet test
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

./run.sh --setup-only

# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here); the derivative tests
# write EXIF orientation and GPS into their pictures with exiftool; the README's walk-through runs on curl and jq; the
# scanning tests make an encrypted archive with zip.
test_packages=()
[[ -x /usr/bin/chromium ]] || test_packages+=(chromium)
command -v exiftool >/dev/null || test_packages+=(libimage-exiftool-perl)
command -v curl >/dev/null || test_packages+=(curl)
command -v jq >/dev/null || test_packages+=(jq)
command -v zip >/dev/null || test_packages+=(zip)
if ((${#test_packages[@]})); then
  printf '\033[1m==> %s\033[0m\n' "Installing ${test_packages[*]} for the tests (Debian packages)"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${test_packages[@]}" >/dev/null
fi

# The Helm chart's tests render it with Helm and validate it offline against the Kubernetes and KEDA schemas.
validator=Uploads.Tests/Kubernetes/Validator
if [[ ! -f $validator/node_modules/.package-lock.json || $validator/package-lock.json -nt $validator/node_modules/.package-lock.json ]]; then
  printf '\033[1m==> %s\033[0m\n' "Installing Helm and the Kubernetes schema validator (npm ci)"
  npm ci --prefix "$validator" --omit=peer --no-audit --no-fund --loglevel=error
fi

rm -rf TestResults
printf '\033[1m==> %s\033[0m\n' "Running the tests"
dotnet test Uploads.sln --no-build --nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory TestResults "$@"
