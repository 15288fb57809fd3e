#!/usr/bin/env bash
# Set up everything from this repo and start the portal with the demo municipality.
# Usage: ./run.sh [--host HOST] [--port PORT]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
ensure_xmlsec1  # SAML: the test MitID, and NemLog-in in production

export NO_MKDOCS_2_WARNING=1
export FAMILIEPORTAL_DATABASE="${FAMILIEPORTAL_DATABASE:-instance/familieportal.db}"
mkdir -p instance

familieportal build-site
familieportal init-db
familieportal demo
exec familieportal serve --print-links --test-idps "$@"
