#!/usr/bin/env bash
# Installs the classic codecs that Tools/classic_codecs.py measures inr against, from Debian's
# packages: cjpeg/djpeg (libjpeg-turbo-progs), cwebp/dwebp (webp), avifenc/avifdec (libavif-bin),
# and zstd for Tools/coding_comparison.py.
set -euo pipefail
packages=(libjpeg-turbo-progs webp libavif-bin zstd)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
