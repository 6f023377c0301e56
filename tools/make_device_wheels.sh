#!/usr/bin/env bash
# Wheels the lent GPU machine (no network) needs for the Stable Audio peer and parity tests:
# stable-audio-tools 0.0.19 and what its inference path imports, the same pins as .ci/run.
# Writes .devwheels/ (git-ignored); name it in the device call's carry.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .devwheels && mkdir -p .devwheels
python3 -m pip download --quiet --no-deps -d .devwheels stable-audio-tools==0.0.19 k-diffusion==0.1.1.post1 \
  torchsde==0.2.6 trampoline==0.1.2 torchdiffeq==0.2.5 alias-free-torch==0.0.6 einops==0.8.2 einops-exts==0.0.4
ls -la .devwheels
