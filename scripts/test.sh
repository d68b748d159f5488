#!/usr/bin/env bash
# The project's test command (`npm test`): system packages, build, the Node suites, the training pipeline's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
npm run build
npx vitest run "$@"
if [ $# -eq 0 ] && [ -d training/tests ]; then
  (cd training && OMP_NUM_THREADS=2 /usr/bin/python3 -m unittest discover -s tests -v)
fi
