#!/usr/bin/env bash
# Mutation check (tools/mutation_check.py): every plausible bug in tools/mutants must be caught
# by at least one test. `--quick` runs each mutant against the test files listed for it (CI).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 tools/mutation_check.py "$@"
