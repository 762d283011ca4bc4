#!/usr/bin/env python3
"""inr's latent-codec training step against Cool-chic's own encoder on this CPU (issue 15, point 4:
aim at 0.1 of its time per iteration at a comparable decoder MAC/pixel), in one run.

Cool-chic (Orange-OpenSource/Cool-Chic, BSD 3-Clause) is not on PyPI and this machine reaches
only PyPI and Debian, so pass a checkout of it (v5.0.1 was measured):

    python3 Tools/latent_vs_coolchic.py --coolchic PATH/TO/Cool-Chic [--image Media/kodim23.png]
        [--decoders default,cfg/dec/intra/mop.cfg] [--lmbda 0.0027] [--threads 2]
        [--output docs/results/latent-vs-coolchic.csv]

For each Cool-chic decoder (`default`: cc_encode.py's own defaults; else a decoder config of the
checkout), the run alternates: inr's `Configs/image/latent.yaml` on the image (`--timed-steps`
steps, ms a step = fitSeconds / fitSteps), then Cool-chic's `cc_encode.py --debug` on the same
image and λ on `--threads` threads. Its debug preset is the one short schedule it offers (a
50-iteration warm-up over candidates, 50 soft-rounding iterations, 10 straight-through ones) and
it skips `torch.compile`; the script reads the seconds and iteration counters of its log and
stops it once training ends (before its slow model quantisation): s an iteration over the
soft-rounding phase (one validation pass included) and over the straight-through one. inr's
figure is the better of its runs, Cool-chic's the soft-rounding phase's (its log gives seconds
to 0.1 s, so the 10-iteration straight-through figure is good to about ±0.01 s).

Cool-chic runs in PyTorch from Tools/.venv (Tools/setup-reference.sh makes it); its pure-Python
needs (einops, fvcore, ConfigArgParse, constriction, pillow) go into Tools/.venv/coolchic-deps
once. This CPU-only PyTorch has no torchvision wheel, so a stand-in module gives the one function
the image path uses (`to_tensor`).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

from common import INR, ROOT, append_row, build_inr, compress_report, reference_python, say

INR = os.environ.get("INR_BINARY", INR)
CONFIG = os.path.join(ROOT, "Configs", "image", "latent.yaml")
DEPENDENCIES = os.path.join(ROOT, "Tools", ".venv", "coolchic-deps")
PACKAGES = ["einops", "fvcore", "ConfigArgParse", "constriction==0.4.2", "pillow"]
FIELDS = ["image", "threads", "lambda", "inr_ms_per_step", "inr_decoder_mac_per_pixel", "coolchic_decoder", "coolchic_mac_per_pixel",
          "coolchic_s_per_iteration", "coolchic_ste_s_per_iteration", "ratio", "coolchic_version"]

TORCHVISION_STAND_IN = {
    "torchvision/__init__.py": "",
    "torchvision/transforms/__init__.py": "",
    "torchvision/transforms/functional.py": (
        "import numpy, torch\n"
        "def to_tensor(image):\n"
        "    array = numpy.asarray(image)\n"
        "    if array.ndim == 2:\n"
        "        array = array[:, :, None]\n"
        "    tensor = torch.from_numpy(array.copy()).permute(2, 0, 1).contiguous()\n"
        "    return tensor.float().div(255) if tensor.dtype == torch.uint8 else tensor.float()\n"),
    "torchvision/models/__init__.py": "",
    "torchvision/models/vgg.py": "VGG16_Weights = None\n",
    "torchvision/models/optical_flow/__init__.py": (
        "Raft_Large_Weights = None\n"
        "def raft_large(*arguments, **keywords):\n"
        "    raise RuntimeError('optical flow is not available in this stand-in')\n"),
}


def install_dependencies(python: str) -> None:
    if os.path.isdir(os.path.join(DEPENDENCIES, "constriction")):
        return
    say(f"installing {', '.join(PACKAGES)} into {os.path.relpath(DEPENDENCIES, ROOT)}")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--target", DEPENDENCIES] + PACKAGES, check=True)


def write_stand_in(folder: str) -> None:
    for name, text in TORCHVISION_STAND_IN.items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as file:
            file.write(text)


def coolchic_speed(python: str, checkout: str, decoder: str, image: str, lmbda: float, threads: int) -> dict:
    """Runs cc_encode.py --debug until its training ends; returns MAC/pixel and s an iteration."""
    with tempfile.TemporaryDirectory() as folder:
        write_stand_in(os.path.join(folder, "modules"))
        command = [python, "cc_encode.py", "-i", os.path.abspath(image), "-o", os.path.join(folder, "x.cool"),
                   "--workdir", folder, "--lmbda", str(lmbda), "--debug"]
        if decoder != "default":
            command += ["--dec_cfg_residue", decoder]
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(folder, "modules"), DEPENDENCIES]),
                           OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), PYTHONUNBUFFERED="1")
        process = subprocess.Popen(command, cwd=checkout, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        mac, phase, columns = None, "warm-up", None
        rows: dict[str, list[tuple[float, int]]] = {"warm-up": [], "soft-rounding": [], "straight-through": []}
        log: list[str] = []
        for line in process.stdout:
            log.append(line)
            if m := re.search(r"residue decoder:\s+(\d+) MAC / pixel", line):
                mac = int(m.group(1))
            elif m := re.search(r"Training phase:\s+(\d+)", line):
                phase = "soft-rounding" if m.group(1) == "0" else "straight-through"
            elif line.split()[:2] == ["loss", "nn_bpp"]:
                columns = line.split()
                if "time_sec" not in columns or "itr" not in columns:
                    process.kill()
                    raise SystemExit(f"Cool-chic's log has no time_sec and itr columns: {line.strip()}")
            elif columns and "|" not in line and len(line.split()) >= columns.index("itr") + 1:
                fields = line.split()
                try:
                    rows[phase].append((float(fields[columns.index("time_sec")]), int(fields[columns.index("itr")])))
                except ValueError:
                    pass
            if "Time quantize_model" in line or "Start discrete RDOQ" in line:
                break
            if phase == "straight-through" and "Results at the end of the phase" in line:
                break
        process.kill()
        process.wait()
        if mac is None or not rows["warm-up"] or not rows["soft-rounding"] or not rows["straight-through"]:
            sys.stderr.write("".join(log[-40:]))
            raise SystemExit(f"could not read Cool-chic's training log ({decoder})")

        def per_iteration(before: tuple[float, int], after: tuple[float, int]) -> float:
            return (after[0] - before[0]) / max(after[1] - before[1], 1)

        start = max(rows["warm-up"], key=lambda row: row[1])
        soft = max(rows["soft-rounding"], key=lambda row: row[1])
        ste = max(rows["straight-through"], key=lambda row: row[1])
        return {"mac": mac, "soft": per_iteration(start, soft), "ste": per_iteration(soft, ste)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--coolchic", required=True, help="a checkout of Orange-OpenSource/Cool-Chic (v5.0.1 measured)")
    parser.add_argument("--image", default=os.path.join(ROOT, "Media", "kodim23.png"))
    parser.add_argument("--decoders", default="default,cfg/dec/intra/mop.cfg",
                        help="Cool-chic decoders, comma-separated: 'default' or a decoder config of the checkout")
    parser.add_argument("--lmbda", type=float, default=0.0027, help="λ of both codecs")
    parser.add_argument("--timed-steps", type=int, default=200, help="steps of each inr timing run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "results", "latent-vs-coolchic.csv"))
    args = parser.parse_args()
    checkout = os.path.abspath(args.coolchic)
    if not os.path.exists(os.path.join(checkout, "cc_encode.py")):
        raise SystemExit(f"{checkout} is not a Cool-chic checkout (no cc_encode.py)")
    if "INR_BINARY" not in os.environ:
        build_inr()
    python = reference_python()
    install_dependencies(python)
    with open(os.path.join(checkout, "coolchic", "__init__.py")) as file:
        version = m.group(1) if (m := re.search(r'__version__\s*=\s*"([^"]+)"', file.read())) else "unknown"

    inr_ms: list[float] = []
    inr_mac = None
    results = []
    for decoder in args.decoders.split(","):
        report = compress_report(INR, CONFIG, args.image, ["--threads", str(args.threads), "--lambda", str(args.lmbda),
                                                          "--set", f"training.steps={args.timed_steps}", "--set", "latent.finalSteps=0"])
        inr_ms.append(report["fitSeconds"] * 1000 / max(report["fitSteps"], 1))
        inr_mac = report["decoderMultiplyAddsPerPixel"]
        say(f"inr: {inr_ms[-1]:.1f} ms a step ({inr_mac} decoder MAC/pixel)")
        theirs = coolchic_speed(python, checkout, decoder, args.image, args.lmbda, args.threads)
        say(f"Cool-chic {version} {decoder}: {theirs['soft']:.3f} s an iteration (straight-through {theirs['ste']:.3f} s), "
            f"{theirs['mac']} decoder MAC/pixel")
        results.append((decoder, theirs))
    best = min(inr_ms)
    for decoder, theirs in results:
        ratio = best / 1000 / theirs["soft"]
        say(f"{os.path.basename(args.image)}, {args.threads} threads: inr {best:.1f} ms ({inr_mac} MAC/pixel) against Cool-chic "
            f"{decoder} {theirs['soft'] * 1000:.0f} ms ({theirs['mac']} MAC/pixel): ratio {ratio:.3f}")
        append_row(args.output, FIELDS, {
            "image": os.path.basename(args.image), "threads": args.threads, "lambda": args.lmbda, "inr_ms_per_step": round(best, 1),
            "inr_decoder_mac_per_pixel": inr_mac, "coolchic_decoder": decoder, "coolchic_mac_per_pixel": theirs["mac"],
            "coolchic_s_per_iteration": round(theirs["soft"], 3), "coolchic_ste_s_per_iteration": round(theirs["ste"], 3),
            "ratio": round(ratio, 3), "coolchic_version": version})


if __name__ == "__main__":
    main()
