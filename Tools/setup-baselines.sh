#!/usr/bin/env bash
# Installs the classic codecs that Tools/classic_codecs.py measures inr against, from Debian's
# packages: cjpeg/djpeg (libjpeg-turbo-progs), cwebp/dwebp (webp), avifenc/avifdec (libavif-bin),
# zstd for Tools/coding_comparison.py, and for Tools/lossless_baselines.py cjxl/djxl
# (libjxl-tools) and opj_compress/opj_decompress (libopenjp2-tools), and Chromium, whose headless
# mode renders `inr eval report`'s page in its test.
set -euo pipefail
"$(dirname "$0")/apt-install.sh" libjpeg-turbo-progs webp libavif-bin zstd libjxl-tools libopenjp2-tools chromium
