#!/usr/bin/env bash
# Usage: redact-plan.sh <stage dir> <stage>
# Writes <stage dir>/<stage>.plan.json: `terraform show -json tfplan` with every sensitive value replaced
# (review/redact.ts, the code the PR comment uses). The raw JSON holds sensitive variables and prior state in
# clear, so it only ever flows through the pipe, never to a file.
set -euo pipefail
dir=$1 stage=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$(cd "$dir" && pwd)/$stage.plan.json"
terraform -chdir="$dir" show -json tfplan | (cd "$root" && node bin/run.js review/cli.ts redact-plan --out "$out")
