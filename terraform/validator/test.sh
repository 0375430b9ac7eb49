#!/usr/bin/env bash
# Tests of terraform/validate; same as `node --test terraform/validator/` from the repo root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec node --test terraform/validator/
