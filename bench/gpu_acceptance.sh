#!/usr/bin/env bash
# GPU acceptance in one command (`make gpu-check`): the RUN_GPU=1 tests, the diffusion engine on the SD 1.5
# and SDXL inpainting architectures (bench/diffusion_gpu.py), and the fine-tune's speed
# (bench/finetune_gpu.py); writes bench/RESULTS.md. Each part has its own time limit, all within 8 minutes.
# `--tiny` runs the same parts on the tiny test pipelines on any CPU (it checks this script; the figures
# mean nothing) and writes to $RESULTS (default bench/RESULTS.md) all the same.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
RESULTS=${RESULTS:-bench/RESULTS.md}
TINY=()
if [ "${1:-}" = "--tiny" ]; then TINY=(--tiny); fi
export HF_HUB_OFFLINE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$(date +%s)

echo "== RUN_GPU=1 tests"
if [ ${#TINY[@]} -eq 0 ]; then export RUN_GPU=1; fi
# pytest's own exit status is kept for the end: the benchmarks run (and are written) whatever it is.
set +e
timeout 150 "$PYTHON" -m pytest -q -p no:cacheprovider -m gpu tests/test_gpu.py 2>&1 | tee "$work/tests.txt"
tests_status=${PIPESTATUS[0]}
set -e
echo "== diffusion engine"
timeout 240 "$PYTHON" bench/diffusion_gpu.py "${TINY[@]}" --json "$work/diffusion.json"
echo "== fine-tune"
timeout 90 "$PYTHON" bench/finetune_gpu.py "${TINY[@]}" --json "$work/finetune.json"
echo $(( $(date +%s) - started )) > "$work/seconds"
"$PYTHON" bench/write_results.py "$work" > "$RESULTS"
echo "== written to $RESULTS"
cat "$RESULTS"
# 5: every test was skipped (no CUDA, or --tiny); that is no failure of the script.
if [ "$tests_status" -ne 0 ] && [ "$tests_status" -ne 5 ]; then exit "$tests_status"; fi
