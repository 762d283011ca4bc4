#!/usr/bin/env bash
# Installs what inr needs on Debian/Ubuntu (the Swift toolchain is assumed to be there):
# OpenBLAS and libpng for the build, pkg-config to find them, ffmpeg for the tests that check
# the PNG reader against an independent decoder, qemu-user for the test that runs the release
# binary on emulated CPUs without AVX-512.
set -euo pipefail
"$(dirname "$0")/apt-install.sh" libopenblas-dev libpng-dev pkg-config ffmpeg qemu-user
