#!/usr/bin/env bash
# Regenerates the golden .inr files of Media/golden (from Configs/golden) and their manifest (the
# SHA-256 of the decoded samples). Run only when the format or the encoder changes on purpose:
# a format change bumps Container.version, and old files must stay readable or be refused. The
# files of kinds 1-4 are version 1; video-segmented.inr (kind 5) is version 2; latent.inr and
# latent-learned.inr (kind 6) are version 4.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product inr >/dev/null
golden=Media/golden
configs=Configs/golden
inputs=(
    "siren-channel Media/png/palette.png"
    "positional-layer-qat Media/png/gray16.png"
    "fourier-gelu Media/png/rgba8.png"
    "sape-spatial Media/png/rgb16.png"
    "sape-global Media/png/gray_alpha8.png"
    "lossless-interlaced Media/lossless/kodim05_crop64.png"
    "grid Media/png/gray8.png"
    "video-nirvana Media/video/park_joy_64x48.y4m"
    "video-segmented Media/video/park_joy_64x48.y4m"
    "latent Media/kodim23_crop128.png"
    "latent-learned Media/kodim23_crop128.png"
)
manifest="$golden/MANIFEST.tsv"
printf "file\tsha256 of decoded samples\tinput (compressed with Configs/golden/NAME.yaml, --threads 2)\n" > "$manifest.tmp"
for entry in "${inputs[@]}"; do
    read -r name image <<< "$entry"
    .build/release/inr compress "$configs/$name.yaml" --input "$image" --output "$golden/$name.inr" --threads 2 > /dev/null 2>&1
    decoded=/tmp/inr-golden.png
    [[ $image == *.y4m ]] && decoded=/tmp/inr-golden.y4m
    digest=$(.build/release/inr decode "$golden/$name.inr" --output "$decoded" | awk '/sha256/ {print $3}')
    printf "%s.inr\t%s\t%s\n" "$name" "$digest" "$image" >> "$manifest.tmp"
    echo "$name.inr $(stat -c %s "$golden/$name.inr") bytes $digest"
done
mv "$manifest.tmp" "$manifest"
