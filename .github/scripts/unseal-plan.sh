#!/usr/bin/env bash
# Usage: PLAN_DECRYPTION_KEY=<PEM private key> unseal-plan.sh <stage dir>
# Decrypts <stage dir>/tfplan.sealed (seal-plan.sh) into tfplan and .terraform.lock.hcl. GCM authenticates it:
# a changed or foreign file fails here, and nothing is extracted unless decryption succeeded.
set -euo pipefail
dir=$1
: "${PLAN_DECRYPTION_KEY:?set the plan decryption key of the stage (secret PLAN_DECRYPTION_KEY of the stage environment, see docs/deploying.md)}"
umask 077
openssl cms -decrypt -binary -inform DER -in "$dir/tfplan.sealed" -out "$dir/tfplan.tar" -inkey <(printf '%s\n' "$PLAN_DECRYPTION_KEY")
tar -C "$dir" -xf "$dir/tfplan.tar" tfplan .terraform.lock.hcl
rm -f "$dir/tfplan.tar" "$dir/tfplan.sealed"
