#!/usr/bin/env bash
# Usage: PLAN_ENCRYPTION_CERT=<PEM certificate> seal-plan.sh <stage dir>
# Encrypts the saved plan and its dependency lock file into <stage dir>/tfplan.sealed (CMS AuthEnvelopedData,
# AES-256-GCM, for the certificate's key). The plan holds every sensitive value in clear; only the stage's apply
# job holds the private key (PLAN_DECRYPTION_KEY), so the uploaded artifact is useless to anyone else.
set -euo pipefail
dir=$1
: "${PLAN_ENCRYPTION_CERT:?set the plan encryption certificate of the stage (variable PLAN_ENCRYPTION_CERT, see docs/deploying.md)}"
tar -C "$dir" -cf - tfplan .terraform.lock.hcl \
  | openssl cms -encrypt -aes-256-gcm -binary -outform DER -out "$dir/tfplan.sealed" -recip <(printf '%s\n' "$PLAN_ENCRYPTION_CERT")
