#!/usr/bin/env bash
# Installs the classic codecs that Tools/classic_codecs.py measures inr against, from Debian's
# packages: cjpeg/djpeg (libjpeg-turbo-progs), cwebp/dwebp (webp), avifenc/avifdec (libavif-bin),
# and zstd for Tools/coding_comparison.py.
set -euo pipefail
"$(dirname "$0")/apt-install.sh" libjpeg-turbo-progs webp libavif-bin zstd
