#!/usr/bin/env bash
# First cross-file definition in a generated workspace of SCOPELENS_BENCH_FILES (default 1200)
# modules, and the server's memory as definitions visit every module (bounded cache of analyses).
# Figures go to docs/performance.md ("Cross-module links").
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --release -p scopelens-tests --test lsp -- --ignored --nocapture workspace_bench
