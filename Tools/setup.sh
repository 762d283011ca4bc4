#!/usr/bin/env bash
# Installs what inr needs on Debian/Ubuntu (the Swift toolchain is assumed to be there):
# OpenBLAS and libpng for the build, pkg-config to find them, ffmpeg for the tests that check
# the PNG reader against an independent decoder, qemu-user for the test that runs the release
# binary on emulated CPUs without AVX-512.
set -euo pipefail
packages=(libopenblas-dev libpng-dev pkg-config ffmpeg qemu-user)
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
