#!/usr/bin/env bash
# Installs what inr needs on Debian/Ubuntu (the Swift toolchain is assumed to be there):
# OpenBLAS, libpng and FFmpeg's libraries (libavformat, libavcodec, libswscale, libavutil: video
# files) for the build, pkg-config to find them, the ffmpeg tools for the tests that check the
# PNG and video readers against an independent decoder, qemu-user for the test that runs the
# release binary on emulated CPUs without AVX-512, Chromium and cjpeg/djpeg
# (libjpeg-turbo-progs) for the test that renders `inr eval report`'s page with a JPEG column,
# and slurm-wlm and munge for the test that runs sweeps and video parts on a local Slurm cluster
# (Tools/cluster/test-slurm.sh; only the daemons are started, by the test, never as services).
set -euo pipefail
"$(dirname "$0")/apt-install.sh" libopenblas-dev libpng-dev libavformat-dev libavcodec-dev libswscale-dev libavutil-dev pkg-config ffmpeg qemu-user \
    chromium libjpeg-turbo-progs slurm-wlm munge
