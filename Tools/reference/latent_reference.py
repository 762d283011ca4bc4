#!/usr/bin/env python3
"""The latent-grid codec's training step (docs/latent.md) in plain PyTorch (eager, CPU): the
same model as `inr compress Configs/image/latent.yaml`, written independently of inr's engine,
to check its losses and to time it against inr's on the same CPU (Tools/latent_vs_pytorch.py).

    latents (L grids, zeros) ─► soft-round with Gaussian noise ─► ŷ
        ŷ ─► ×2 steps to full size (bicubic, or learned taps per step) ─► per-pixel MLP (L → hidden → C) ─► x̂ ─► D = MSE
        ŷ ─► ARM on each latent's causal context (same grid, same band) ─► (μ, log b)
          ─► Laplace bits of the unit bin around ŷ ─► R = bits / pixels
    loss = D + λ·R; autograd; the networks' gradient clipped to norm 0.1; Adam (latents
    (0.9, 0.999) at Γ× the rate, networks (0.95, 0.95)); cosine decay.

With `--replay` the start and the noise are inr's own draws (Tools/reference/inr_random.py
replays `SeededGenerator`), so the losses of the first steps must agree with inr's to float
rounding; without it the noise comes from torch.randn (the timing runs: replaying the generator
in Python would time Python, not the model).

    Tools/.venv/bin/python Tools/reference/latent_reference.py --image Media/kodim23.png \
        [--config Configs/image/latent.yaml] [--steps 8] [--replay] [--threads 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inr_random import MASK, SeededGenerator  # noqa: E402
import inr_reference as ref  # noqa: E402

# inr's constants (Sources/INRLatent, Sources/INRCodec/Latent).
BICUBIC_EVEN = [-9 / 256, 67 / 256, 225 / 256, -27 / 256]  # taps on x[k−2], x[k−1], x[k], x[k+1]
CONTEXT = [(0, -1), (-1, 0), (-1, -1), (-1, 1), (0, -2), (-2, 0), (-1, -2), (-1, 2),
           (-2, -1), (-2, 1), (0, -3), (-2, -2), (-2, 2), (-1, -3), (-1, 3), (-3, 0)]  # (row, column)
REACH = 3
LOG_SCALE_RANGE = (-4.6, 5.0)
MINIMUM_PROBABILITY = 1 / 65536
NOISE_CHUNK = 16384
NOISE_LEVELS = 4096


class Settings:
    """The `latent:` and `training:` keys the model needs, with inr's defaults."""

    def __init__(self, path: str, steps: int | None):
        with open(path) as file:
            document = yaml.safe_load(file) or {}
        latent, training = document.get("latent", {}) or {}, document.get("training", {}) or {}
        self.seed = int(document.get("seed", 0))
        self.grids = int(latent.get("grids", 7))
        self.widths = [int(w) for w in latent.get("synthesisWidths", [16])]
        if int(latent.get("convolutions", 0)) != 0 or latent.get("entropyModel", "arm") != "arm" or latent.get("quantizer", "softRound") != "softRound":
            raise SystemExit(f"{path}: the reference does the ARM model with soft-rounding and no convolutions only")
        self.context = int(latent.get("context", 16))
        self.arm_width = int(latent.get("armWidth", 16))
        self.arm_layers = int(latent.get("armLayers", 2))
        self.lam = float(latent.get("lambda", 2e-3))
        self.gain = float(latent.get("gain", 16))
        self.band_rows = int(latent.get("bandRows", 64))
        self.upsampling = latent.get("upsampling", "bicubic")
        if self.upsampling not in ("bicubic", "learned"):
            raise SystemExit(f"{path}: latent.upsampling must be bicubic or learned")
        self.learning_rate = float(training.get("learningRate", 1e-2))
        self.steps = steps if steps is not None else int(training.get("steps", 2000))


def grid_size(width: int, height: int, level: int) -> tuple[int, int]:
    return (width + (1 << level) - 1) >> level, (height + (1 << level) - 1) >> level


def upsample_axis(x: torch.Tensor, out: int, taps) -> torch.Tensor:
    """×2 along the last axis with the even phase's four `taps` (the odd phase's mirrored),
    edges replicated, cropped to `out` samples."""
    n = x.shape[-1]
    padded = F.pad(x.unsqueeze(0), (2, 2), mode="replicate").squeeze(0)  # padded[j] = x[clamp(j − 2)]
    even = sum(taps[i] * padded[..., i:i + n] for i in range(4))
    odd = sum(taps[3 - i] * padded[..., i + 1:i + 1 + n] for i in range(4))
    return torch.stack((even, odd), dim=-1).reshape(*x.shape[:-1], 2 * n)[..., :out]


def to_full_size(grid: torch.Tensor, level: int, width: int, height: int, filters) -> torch.Tensor:
    """Grid `level` through steps level … 1; `filters[s − 1]` holds step s's taps."""
    values = grid
    for step in range(level, 0, -1):
        to_w, to_h = grid_size(width, height, step - 1)
        values = upsample_axis(values, to_w, filters[step - 1])                # rows first, as inr
        values = upsample_axis(values.t(), to_h, filters[step - 1]).t()        # then columns
    return values


def contexts(grid: torch.Tensor, offsets: list[tuple[int, int]], band_rows: int) -> torch.Tensor:
    """(H·W, K): each latent's K neighbours, 0 outside the grid or above its band's first row."""
    h, w = grid.shape
    bands = -(-h // band_rows)
    stacked = F.pad(grid, (0, 0, 0, bands * band_rows - h)).reshape(bands, band_rows, w)
    padded = F.pad(stacked, (REACH, REACH, REACH, 0))
    views = [padded[:, REACH + dy:REACH + dy + band_rows, REACH + dx:REACH + dx + w] for dy, dx in offsets]
    return torch.stack(views, dim=-1).reshape(bands * band_rows * w, len(offsets))[:h * w]


def laplace_bits(value: torch.Tensor, mean: torch.Tensor, log_scale: torch.Tensor) -> torch.Tensor:
    inverse = torch.exp(-log_scale.clamp(*LOG_SCALE_RANGE))
    upper, lower = (value + 0.5 - mean) * inverse, (value - 0.5 - mean) * inverse
    density_upper, density_lower = 0.5 * torch.exp(-upper.abs()), 0.5 * torch.exp(-lower.abs())
    probability = torch.where(lower >= 0, density_lower - density_upper,
                              torch.where(upper <= 0, density_upper - density_lower, 1 - density_upper - density_lower))
    return -torch.log2(probability.clamp_min(MINIMUM_PROBABILITY))


def soft_round(y: torch.Tensor, temperature: float) -> torch.Tensor:
    floor = torch.floor(y).detach()
    return floor + 0.5 + torch.tanh((y - floor - 0.5) / temperature) / (2 * math.tanh(0.5 / temperature))


def schedule(progress: float) -> tuple[float, float]:
    """(T, σ) of the main phase."""
    p = min(max(progress, 0.0), 1.0)
    return 0.35 + (0.08 - 0.35) * p, 0.22 + (0.15 - 0.22) * p


def inverse_normal(p: float) -> float:
    """Φ⁻¹(p), Acklam's approximation (inr's table is built with it)."""
    a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]

    def tail(q: float) -> float:
        r = math.sqrt(-2 * math.log(q))
        return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)

    if p < 0.02425:
        return tail(p)
    if p > 1 - 0.02425:
        return -tail(1 - p)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


QUANTILES = np.array([inverse_normal((k + 0.5) / NOISE_LEVELS) for k in range(NOISE_LEVELS)], dtype=np.float32)


def replayed_units(seed: int, step: int, count: int) -> np.ndarray:
    """inr's noise uniforms of one step: chunk k of 16384 latents draws from
    SeededGenerator(seed + step·0x9E3779B97F4A7C15 + k), all chunks stepped side by side."""
    chunks = -(-count // NOISE_CHUNK)
    states = np.array([SeededGenerator((seed + step * 0x9E3779B97F4A7C15 + k) & MASK).s for k in range(chunks)], dtype=np.uint64).T.copy()
    s0, s1, s2, s3 = states
    out = np.empty((NOISE_CHUNK, chunks), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(NOISE_CHUNK):
            x = s1 * np.uint64(5)
            out[i] = ((x << np.uint64(7)) | (x >> np.uint64(57))) * np.uint64(9)
            t = s1 << np.uint64(17)
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    units = (out.T.reshape(-1)[:count] >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    return units.astype(np.float32)


def gaussian_noise(units: np.ndarray, deviation: float) -> torch.Tensor:
    position = np.maximum(units * np.float32(NOISE_LEVELS) - np.float32(0.5), np.float32(0))
    index = np.minimum(position.astype(np.int64), NOISE_LEVELS - 2)
    fraction = np.minimum(position - index.astype(np.float32), np.float32(1))
    return torch.from_numpy(np.float32(deviation) * (QUANTILES[index] + fraction * (QUANTILES[index + 1] - QUANTILES[index])))


class LatentModel:
    def __init__(self, settings: Settings, width: int, height: int, channels: int):
        self.settings, self.width, self.height, self.channels = settings, width, height, channels
        self.sizes = [grid_size(width, height, level) for level in range(settings.grids)]
        self.counts = [w * h for w, h in self.sizes]
        self.latents = torch.zeros(sum(self.counts), requires_grad=True)
        self.synthesis_layers = list(zip([settings.grids] + settings.widths, settings.widths + [channels]))
        arm = [settings.context] + [settings.arm_width] * settings.arm_layers + [2]
        self.arm_layers = list(zip(arm[:-1], arm[1:]))
        random = SeededGenerator(settings.seed, "latent")

        def layers(shapes, output_bias):
            result = []
            for index, (inputs, outputs) in enumerate(shapes):
                bound = 1 / math.sqrt(inputs)
                weight = np.array([random.uniform(-bound, bound) for _ in range(inputs * outputs)], dtype=np.float32).reshape(outputs, inputs)
                bias = np.full(outputs, output_bias if index == len(shapes) - 1 else 0, dtype=np.float32)
                result.append([torch.from_numpy(weight), torch.from_numpy(bias)])
            return result

        self.synthesis = layers(self.synthesis_layers, 0.5)
        self.arm = layers(self.arm_layers, 0.0)
        for weight, _ in self.arm[:-1]:
            if weight.shape[0] == weight.shape[1]:
                weight.copy_(torch.eye(weight.shape[0]))   # Cool-chic's residual layers, x + Wx, W = 0
        self.arm[-1][1][1] = -4.0                          # log-scale bias
        self.noise_seed = random.next()
        steps = settings.grids - 1
        if settings.upsampling == "learned":   # trained with the networks, from bicubic
            self.filters = torch.tensor([BICUBIC_EVEN] * steps, dtype=torch.float32).requires_grad_()
            learned = [self.filters]
        else:
            self.filters, learned = [BICUBIC_EVEN] * steps, []
        self.networks = [t.requires_grad_() for layer in self.synthesis + self.arm for t in layer] + learned

    def grids(self, flat: torch.Tensor) -> list[torch.Tensor]:
        return [g.reshape(h, w) for g, (w, h) in zip(torch.split(flat, self.counts), self.sizes)]

    def loss(self, quantized: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(D + λR, D, R in bpp); targets (C, H·W) in [0, 1]."""
        grids = self.grids(quantized)
        planes = torch.stack([to_full_size(g, level, self.width, self.height, self.filters).reshape(-1) for level, g in enumerate(grids)], dim=1)
        x = planes
        for index, (weight, bias) in enumerate(self.synthesis):
            x = F.linear(x, weight, bias)
            if index < len(self.synthesis) - 1:
                x = torch.relu(x)
        distortion = torch.mean((x.t() - targets) ** 2)
        offsets = CONTEXT[:self.settings.context]
        context = torch.cat([contexts(g, offsets, self.settings.band_rows) for g in grids])
        for index, (weight, bias) in enumerate(self.arm):
            context = F.linear(context, weight, bias)
            if index < len(self.arm) - 1:
                context = torch.relu(context)
        bits = laplace_bits(quantized, context[:, 0], context[:, 1]).sum()
        rate = bits / (self.width * self.height)
        return distortion + self.settings.lam * rate, distortion, rate


class Trainer:
    def __init__(self, model: LatentModel, replay: bool):
        self.model, self.replay, self.step_index = model, replay, 0
        s = model.settings
        self.latent_optimizer = torch.optim.Adam([model.latents], lr=s.learning_rate * s.gain, betas=(0.9, 0.999), eps=1e-8)
        self.network_optimizer = torch.optim.Adam(model.networks, lr=s.learning_rate, betas=(0.95, 0.95), eps=1e-8)

    def step(self, targets: torch.Tensor) -> float:
        model, s, t = self.model, self.model.settings, self.step_index
        temperature, deviation = schedule(t / max(s.steps - 1, 1))
        count = model.latents.numel()
        if self.replay:
            noise = gaussian_noise(replayed_units(model.noise_seed, t, count), deviation)
        else:
            noise = torch.randn(count).clamp_(-3.66, 3.66) * deviation
        quantized = soft_round(soft_round(model.latents, temperature) + noise, temperature)
        loss, _, _ = model.loss(quantized, targets)
        for tensor in [model.latents] + model.networks:
            tensor.grad = None
        loss.backward()
        # The networks' gradient scaled to norm 0.1 when longer, as inr does (no epsilon).
        with torch.no_grad():
            norm = math.sqrt(sum(float((tensor.grad.double() ** 2).sum()) for tensor in model.networks))
            if norm > 0.1:
                for tensor in model.networks:
                    tensor.grad.mul_(0.1 / norm)
        rate = s.learning_rate * 0.5 * (1 + math.cos(math.pi * min(t / max(s.steps - 1, 1), 1.0)))
        for optimizer, scale in ((self.latent_optimizer, s.gain), (self.network_optimizer, 1.0)):
            for group in optimizer.param_groups:
                group["lr"] = rate * scale
        self.latent_optimizer.step()
        self.network_optimizer.step()
        self.step_index += 1
        return loss.item()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--image", default=os.path.join(root, "Media", "kodim23.png"))
    parser.add_argument("--config", default=os.path.join(root, "Configs", "image", "latent.yaml"))
    parser.add_argument("--steps", type=int, default=8, help="steps to run (the schedule's length is the config's unless --schedule-steps)")
    parser.add_argument("--schedule-steps", type=int, help="training.steps of the schedule (default: the config's)")
    parser.add_argument("--replay", action="store_true", help="inr's start and noise (losses comparable step by step)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    ref.set_threads(arguments.threads)
    settings = Settings(arguments.config, arguments.schedule_steps)
    image = ref.load_image(arguments.image)
    if image.channels not in (1, 3):
        raise SystemExit(f"{arguments.image}: gray or RGB only")
    targets = image.targets().t().contiguous()
    model = LatentModel(settings, image.width, image.height, image.channels)
    trainer = Trainer(model, arguments.replay)
    losses, seconds = [], []
    for _ in range(arguments.steps):
        start = time.perf_counter()
        losses.append(trainer.step(targets))
        seconds.append(time.perf_counter() - start)
    report = {"losses": losses, "ms_per_step": [1000 * s for s in seconds], "threads": torch.get_num_threads(), "torch": torch.__version__}
    if arguments.json:
        print(json.dumps(report))
    else:
        for index, (loss, ms) in enumerate(zip(losses, report["ms_per_step"])):
            print(f"step {index + 1}: loss {loss:.6g}  {ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
