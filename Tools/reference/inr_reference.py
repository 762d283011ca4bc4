#!/usr/bin/env python3
"""PyTorch reference implementation of inr's image fitting.

inr (the Swift codec in this repository) fits a small MLP to one image: pixel coordinates go
through an encoding (raw, positional, Gaussian Fourier features or SAPE) into an MLP whose
outputs are the pixel's channels, trained with Adam on the mean squared error.  This module
re-implements the same semantics in plain PyTorch eager code so that

  * the quality inr reaches can be checked against an independent implementation (means over
    a few seeds: the random numbers themselves differ from Swift's), and
  * inr's speed can be compared with PyTorch on the same work (see bench.py).

It reads the same YAML configs as inr (same keys, same defaults, unknown keys rejected) and
prints the PSNR of the best reconstruction:

    python Tools/reference/inr_reference.py Configs/image/siren.yaml \\
        --input Media/kodim23_crop128.png --steps 500 [--seed S] [--threads T] [--json]

Only torch, numpy, pyyaml and the standard library are used; PNGs are decoded by ffmpeg.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

import inr_random

# ─────────────────────────────────────────────────────────────────────────────────────────────
# Configuration
# ─────────────────────────────────────────────────────────────────────────────────────────────
#
# A schema is a dict from key to a field spec.  Field specs are tuples:
#
#   ("int", default)          ("float", default)         ("bool", default)
#   ("optint", default)       ("optfloat", default)      (None is allowed)
#   ("choice", default, (allowed, ...))                  ("optchoice", default, (allowed, ...))
#   ("section", schema)       a nested mapping
#   ("typed", default_type, {type: schema})              a mapping whose `type` key selects
#                                                        which other keys it may hold
#
# Parsing fills in defaults and returns plain nested dicts (typed sections keep their `type`).


class ConfigError(ValueError):
    """A config problem, naming the key path (e.g. `training.schedule.gama`)."""

    def __init__(self, path: str, message: str, file: str | None = None):
        where = f"{file}: " if file else ""
        super().__init__(f"{where}{path or '<top level>'}: {message}")
        self.path, self.message, self.file = path, message, file


_ENCODINGS = {
    "raw": {},
    "positional": {
        "frequencies": ("int", 10),
        "base": ("float", 2.0),
        "includeInput": ("bool", True),
    },
    "fourier": {
        "features": ("int", 256),
        "sigma": ("float", 10.0),
        "seed": ("optint", None),
        "includeInput": ("bool", True),
    },
    "sape": {
        "features": ("int", 256),
        "sigma": ("float", 20.0),
        "seed": ("optint", None),
        "progression": ("choice", "spatial", ("spatial", "global")),
        "gridResolution": ("int", 128),
        "epsilon": ("float", 1e-3),
    },
}

_SCHEDULES = {
    "constant": {},
    "cosine": {"minimumLearningRate": ("float", 0.0), "warmupSteps": ("int", 0)},
    "step": {"stepSize": ("int", 1000), "gamma": ("float", 0.5)},
    "exponential": {"gamma": ("float", 0.999)},
    "plateau": {
        "factor": ("float", 0.5),
        "patience": ("int", 500),
        "threshold": ("float", 1e-4),
        "cooldown": ("int", 0),
        "minimumLearningRate": ("float", 0.0),
    },
}

_BATCHES = {"full": {}, "random": {"fraction": ("float", 0.25)}}

SCHEMA: dict[str, tuple] = {
    "seed": ("int", 0),
    "encoding": ("typed", "raw", _ENCODINGS),
    "network": ("section", {
        "hiddenLayers": ("int", 3),
        "width": ("int", 256),
        "activation": ("choice", "relu", ("relu", "gelu", "sine", "identity")),
        "omega0": ("float", 30.0),
        "firstOmega0": ("optfloat", None),
        "initialization": ("optchoice", None, ("default", "siren")),
    }),
    "training": ("section", {
        "steps": ("int", 2000),
        "learningRate": ("float", 1e-3),
        "schedule": ("typed", "constant", _SCHEDULES),
        "batch": ("typed", "full", _BATCHES),
        "evaluationInterval": ("int", 100),
        "timeLimit": ("optfloat", None),
    }),
    "optimizer": ("section", {
        "type": ("choice", "adam", ("adam",)),
        "beta1": ("float", 0.9),
        "beta2": ("float", 0.999),
        "epsilon": ("float", 1e-8),
        "weightDecay": ("float", 0.0),
    }),
    "loss": ("section", {
        "type": ("choice", "mse", ("mse",)),
        "l1WeightPenalty": ("float", 0.0),
    }),
}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _parse_scalar(kind: str, value: Any, path: str, choices: tuple = ()) -> Any:
    """Checks (and lightly coerces) one scalar value against its field kind."""
    if kind.startswith("opt"):
        if value is None:
            return None
        kind = kind[3:]
    if kind == "int":
        # bool is a subclass of int in Python; a YAML `true` is not a number.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, f"expected an integer, got {value!r}")
        return value
    if kind == "float":
        if isinstance(value, bool):
            raise ConfigError(path, f"expected a number, got {value!r}")
        if isinstance(value, (int, float)):
            return float(value)
        # PyYAML (YAML 1.1) reads `1e-3` (no dot) as a string; YAML 1.2 readers (Yams) read a
        # number, so accept a string that is a plain decimal number.
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise ConfigError(path, f"expected a number, got {value!r}")
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(path, f"expected true or false, got {value!r}")
        return value
    if kind == "choice":
        if value not in choices:
            raise ConfigError(path, f"{value!r} is not one of {', '.join(choices)}")
        return value
    raise AssertionError(f"unknown field kind {kind}")


def _parse_section(node: Any, schema: dict, path: str, extra_known: tuple = ()) -> dict:
    """Parses a mapping: rejects unknown keys, fills in defaults, recurses into sections."""
    if node is None:
        node = {}
    if not isinstance(node, dict):
        raise ConfigError(path, f"expected a mapping, got {node!r}")
    for key in node:
        if key not in schema and key not in extra_known:
            known = ", ".join(sorted(list(schema) + list(extra_known))) or "none"
            raise ConfigError(_join(path, str(key)), f"unknown key (known keys: {known})")
    result = {}
    for key, spec in schema.items():
        result[key] = _parse_field(node.get(key), key in node, spec, _join(path, key))
    return result


def _parse_field(value: Any, present: bool, spec: tuple, path: str) -> Any:
    kind = spec[0]
    if kind == "section":
        return _parse_section(value, spec[1], path)
    if kind == "typed":
        default_type, variants = spec[1], spec[2]
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise ConfigError(path, f"expected a mapping with a `type`, got {value!r}")
        kind_name = value.get("type", default_type)
        if kind_name not in variants:
            raise ConfigError(_join(path, "type"), f"{kind_name!r} is not one of {', '.join(variants)}")
        result = _parse_section(value, variants[kind_name], path, extra_known=("type",))
        result["type"] = kind_name
        return result
    if not present:
        return spec[1]
    return _parse_scalar(kind, value, path, spec[2] if len(spec) > 2 else ())


def _validate(config: dict) -> None:
    """The few value checks that keep the fit well defined."""
    def require(condition: bool, path: str, message: str) -> None:
        if not condition:
            raise ConfigError(path, message)

    require(config["seed"] >= 0, "seed", "must not be negative")
    enc = config["encoding"]
    if enc["type"] == "positional":
        require(enc["frequencies"] >= 0, "encoding.frequencies", "must not be negative")
    if enc["type"] in ("fourier", "sape"):
        require(enc["features"] >= 1, "encoding.features", "must be at least 1")
        require(enc["seed"] is None or enc["seed"] >= 0, "encoding.seed", "must not be negative")
    if enc["type"] == "sape":
        require(enc["gridResolution"] >= 1, "encoding.gridResolution", "must be at least 1")
    net = config["network"]
    require(net["hiddenLayers"] >= 0, "network.hiddenLayers", "must not be negative")
    require(net["width"] >= 1, "network.width", "must be at least 1")
    tr = config["training"]
    require(tr["steps"] >= 0, "training.steps", "must not be negative")
    require(tr["evaluationInterval"] >= 1, "training.evaluationInterval", "must be at least 1")
    if tr["batch"]["type"] == "random":
        f = tr["batch"]["fraction"]
        require(0 < f <= 1, "training.batch.fraction", "must be in (0, 1]")
    if tr["schedule"]["type"] == "step":
        require(tr["schedule"]["stepSize"] >= 1, "training.schedule.stepSize", "must be at least 1")


def parse_config(document: Any) -> dict:
    """Parses an already loaded YAML document (None for an empty file) into a full config."""
    config = _parse_section(document, SCHEMA, "")
    _validate(config)
    return config


def load_config(path: str) -> dict:
    with open(path, "r", encoding="utf-8") as f:
        document = yaml.safe_load(f)
    try:
        return parse_config(document)
    except ConfigError as error:
        raise ConfigError(error.path, error.message, file=path) from None


def encoding_seed(config: dict) -> int:
    """The seed the encoding draws from: its own, else the config's."""
    enc = config["encoding"]
    own = enc.get("seed")
    return config["seed"] if own is None else own


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Images
# ─────────────────────────────────────────────────────────────────────────────────────────────

# ffprobe pix_fmt → (ffmpeg output pix_fmt, channels, bits per sample).  inr keeps every
# channel as stored (gray, gray+alpha, RGB, RGBA), 8 or 16 bits.
_PIXEL_FORMATS = {
    "gray": ("gray", 1, 8),
    "gray16be": ("gray16le", 1, 16),
    "gray16le": ("gray16le", 1, 16),
    "ya8": ("ya8", 2, 8),
    "ya16be": ("ya16le", 2, 16),
    "ya16le": ("ya16le", 2, 16),
    "rgb24": ("rgb24", 3, 8),
    "rgb48be": ("rgb48le", 3, 16),
    "rgb48le": ("rgb48le", 3, 16),
    "rgba": ("rgba", 4, 8),
    "rgba64be": ("rgba64le", 4, 16),
    "rgba64le": ("rgba64le", 4, 16),
    # A palette may hold transparency; expand it to RGBA (inr itself reads no palettes).
    "pal8": ("rgba", 4, 8),
    "monob": ("gray", 1, 8),
    "monow": ("gray", 1, 8),
}


@dataclass
class Image:
    """An image as integer samples: `samples` is (height·width, channels), row-major pixels."""

    width: int
    height: int
    channels: int
    bits: int
    samples: torch.Tensor  # float32 holding the integer sample values (exact up to 2^24)

    @property
    def peak(self) -> float:
        return float((1 << self.bits) - 1)

    @property
    def count(self) -> int:
        return self.width * self.height

    def targets(self) -> torch.Tensor:
        """Samples in [0, 1]: sample / (2^bits − 1)."""
        return self.samples / self.peak


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is needed to read images and was not found on PATH")
    return found


def load_image(path: str) -> Image:
    """Decodes an image with ffmpeg into its stored channels and bit depth."""
    probe = subprocess.run(
        [_tool("ffprobe"), "-v", "error", "-select_streams", "v:0",
         "-show_entries", "stream=width,height,pix_fmt", "-of", "json", path],
        capture_output=True, text=True)
    if probe.returncode != 0:
        raise RuntimeError(f"ffprobe could not read {path}: {probe.stderr.strip()}")
    streams = json.loads(probe.stdout).get("streams") or []
    if not streams:
        raise RuntimeError(f"{path}: no image stream")
    stream = streams[0]
    width, height, source_format = int(stream["width"]), int(stream["height"]), stream.get("pix_fmt", "")
    if source_format in _PIXEL_FORMATS:
        pix_fmt, channels, bits = _PIXEL_FORMATS[source_format]
    else:
        # Anything else (YUV, odd packings): RGB at the depth the format name suggests.
        deep = any(tag in source_format for tag in ("16", "48", "64", "10", "12"))
        pix_fmt, channels, bits = ("rgb48le", 3, 16) if deep else ("rgb24", 3, 8)
        print(f"note: {path} is {source_format}; read as {pix_fmt}", file=sys.stderr)
    decoded = subprocess.run(
        [_tool("ffmpeg"), "-v", "error", "-nostdin", "-i", path,
         "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"],
        capture_output=True)
    if decoded.returncode != 0:
        raise RuntimeError(f"ffmpeg could not decode {path}: {decoded.stderr.decode(errors='replace').strip()}")
    dtype = np.dtype("<u2") if bits == 16 else np.dtype(np.uint8)
    expected = width * height * channels * dtype.itemsize
    if len(decoded.stdout) != expected:
        raise RuntimeError(f"{path}: ffmpeg gave {len(decoded.stdout)} bytes, expected {expected}")
    array = np.frombuffer(decoded.stdout, dtype=dtype).reshape(width * height, channels)
    samples = torch.from_numpy(array.astype(np.float32))
    return Image(width=width, height=height, channels=channels, bits=bits, samples=samples)


def pixel_coordinates(width: int, height: int) -> torch.Tensor:
    """(height·width, 2) coordinates (x, y) of the pixel centres, rows in order.

    x = (2·column + 1)/width − 1 and y = (2·row + 1)/height − 1: each axis spans [-1, 1]
    between the outer pixel edges, independently of the aspect ratio.
    """
    x = (2 * torch.arange(width, dtype=torch.float64) + 1) / width - 1
    y = (2 * torch.arange(height, dtype=torch.float64) + 1) / height - 1
    grid_y, grid_x = torch.meshgrid(y, x, indexing="ij")
    return torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1).to(torch.float32)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Encodings
# ─────────────────────────────────────────────────────────────────────────────────────────────


class Encoding:
    """Maps (B, 2) coordinates to (B, width) network inputs.

    Stateful encodings (SAPE) get `prepare` before each step and, when `wants_losses`, the
    per-sample losses of each step through `observe`.  `state`/`load_state` snapshot what
    the best reconstruction was measured with.
    """

    width: int = 2
    wants_losses: bool = False

    def prepare(self, step: int, total_steps: int) -> None:
        pass

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def observe(self, points: torch.Tensor, losses: torch.Tensor) -> None:
        pass

    def state(self) -> Any:
        return None

    def load_state(self, state: Any) -> None:
        pass


class RawEncoding(Encoding):
    """The coordinates themselves."""

    width = 2

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        return points


class PositionalEncoding(Encoding):
    """NeRF-style: [x, y]? + [sin a] + [cos a], a_{i,c} = base^i·π·coord_c, i outer, c inner."""

    def __init__(self, frequencies: int, base: float, include_input: bool):
        self.include_input = include_input
        # base^i·π computed in double precision, rounded to float32 once.
        self.scales = torch.tensor([base ** i * math.pi for i in range(frequencies)],
                                   dtype=torch.float64).to(torch.float32)
        self.width = (2 if include_input else 0) + 2 * 2 * frequencies

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        # (B, L, 2) → (B, 2L): frequency-major, coordinate-minor.
        arguments = (points[:, None, :] * self.scales[None, :, None]).reshape(points.shape[0], -1)
        parts = [points] if self.include_input else []
        parts += [torch.sin(arguments), torch.cos(arguments)]
        return torch.cat(parts, dim=1)


# Where the random numbers come from: "inr" replays inr's own streams (inr_random.py), so the
# reference starts from the very weights, frequencies and batch order a Swift fit with the same
# seed starts from; "torch" draws them from torch generators instead (same distributions).
RANDOM_SOURCE = "inr"


def scaled_fourier_basis(count: int, sigma: float, seed: int) -> torch.Tensor:
    """2π·B transposed to (2, count), float32, from the configured random source."""
    if RANDOM_SOURCE == "inr":
        return torch.from_numpy(inr_random.fourier_scaled(count, sigma, seed))
    return (2 * math.pi * fourier_basis(count, sigma, seed)).t().contiguous().to(torch.float32)


def fourier_basis(count: int, sigma: float, seed: int) -> torch.Tensor:
    """The (count, 2) frequency matrix B, built as SAPE builds it.

    Magnitudes m_j = σ·N(0, 1) (all drawn first), unit directions d_j = N(0, I₂)/‖·‖ (drawn
    next), sorted by |m_j| ascending (stable), b_j = d_j·m_j.  So "the first k blocks" are the
    k lowest frequencies.  Drawn from a torch.Generator seeded with `seed`.
    """
    generator = torch.Generator().manual_seed(seed)
    magnitudes = sigma * torch.randn(count, generator=generator, dtype=torch.float64)
    directions = torch.randn(count, 2, generator=generator, dtype=torch.float64)
    norms = directions.norm(dim=1, keepdim=True).clamp_min(torch.finfo(torch.float64).tiny)
    directions = directions / norms
    order = torch.sort(magnitudes.abs(), stable=True).indices
    return directions[order] * magnitudes[order, None]


class FourierEncoding(Encoding):
    """Gaussian random Fourier features: [x, y]? + [sin a_j] + [cos a_j], a_j = 2π⟨b_j, (x, y)⟩."""

    def __init__(self, features: int, sigma: float, seed: int, include_input: bool):
        self.include_input = include_input
        # 2π·B, transposed to (2, F) for a matmul, rounded to float32 once.
        self.scaled = scaled_fourier_basis(features, sigma, seed)
        self.width = (2 if include_input else 0) + 2 * features

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        arguments = points @ self.scaled
        parts = [points] if self.include_input else []
        parts += [torch.sin(arguments), torch.cos(arguments)]
        return torch.cat(parts, dim=1)


class GlobalMask:
    """SAPE's non-spatial progression: every point sees the same mask.

    Blocks open one every P = max(1, ⌊3·steps/(4·F)⌋) steps; before step t, blocks j < open
    (open = min(F, t // P)) are fully on and block `open` fades in with α = min(1, 2·(t mod P)/P).
    """

    def __init__(self, blocks: int):
        self.blocks = blocks
        self.mask = torch.zeros(blocks)

    def prepare(self, step: int, total_steps: int) -> None:
        period = max(1, (3 * total_steps) // (4 * max(self.blocks, 1)))
        open_blocks = min(self.blocks, step // period)
        mask = torch.zeros(self.blocks)
        mask[:open_blocks] = 1
        if open_blocks < self.blocks:
            mask[open_blocks] = min(1.0, 2 * (step % period) / period)
        self.mask = mask

    def values(self, points: torch.Tensor) -> torch.Tensor:
        return self.mask[None, :].expand(points.shape[0], -1)

    def observe(self, points: torch.Tensor, losses: torch.Tensor) -> None:
        pass

    def state(self) -> Any:
        return self.mask.clone()

    def load_state(self, state: Any) -> None:
        self.mask = state.clone()


def _box_filter(planes: torch.Tensor, kernel: int, divisor: float) -> torch.Tensor:
    """Sum over the kernel×kernel window of each cell of (P, R, R) planes, edges replicated
    (out-of-grid indices clamp to the nearest cell), divided by `divisor`."""
    radius = kernel // 2
    padded = F.pad(planes[:, None], (radius, radius, radius, radius), mode="replicate")
    summed = F.avg_pool2d(padded, kernel, stride=1, divisor_override=1)
    return summed[:, 0] / divisor


class SpatialMask:
    """SAPE's spatially adaptive controller (Hertz et al. 2021, §3.2).

    An R×R grid of cells over [-1, 1]², row-major (y then x).  Each cell has a count of open
    blocks (starts 0) and an active flag (starts True).

      every step:   each sample's loss is scattered to its 4 cells with bilinear weights;
      every P steps (P = max(1, ⌊steps/(2F)⌋), before steps t > 0 with t % P == 0):
                    per-cell mean loss (unvisited cells: mean of the visited cells in their
                    k×k window), k×k box blur (unknown cells count 0); active cells above ε
                    open a block, the others stop for good; unknown cells keep opening;
      at a point:   the binary cell masks (block j open where j < count), box-blurred k×k,
                    bilinearly interpolated.

    k = 5 when the grid has more than 100 cells, else 3.
    """

    def __init__(self, blocks: int, resolution: int, epsilon: float):
        self.blocks = blocks
        self.resolution = resolution
        self.epsilon = epsilon
        self.kernel = 5 if resolution * resolution > 100 else 3
        cells = resolution * resolution
        self.counts = torch.zeros(resolution, resolution, dtype=torch.int64)
        self.active = torch.ones(resolution, resolution, dtype=torch.bool)
        self.loss_sums = torch.zeros(cells, dtype=torch.float64)
        self.weight_sums = torch.zeros(cells, dtype=torch.float64)
        self.block_index = torch.arange(blocks)
        self.blurred = self._blur_masks()

    # Geometry

    def _cell_coordinate(self, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Cell index and fraction of coordinate values: cell centres sit at integers of
        u = (v+1)/2·R − 0.5, clamped so points beyond the outer centres take the edge cells."""
        r = self.resolution
        u = (v + 1) * 0.5 * r - 0.5
        upper = float(r - 1)
        last = max(r - 2, 0)
        index = torch.floor(u).clamp(0, last)
        fraction = u - index
        below, above = u <= 0, u >= upper
        index = torch.where(below, torch.zeros_like(index), torch.where(above, torch.full_like(index, last), index))
        fraction = torch.where(below, torch.zeros_like(fraction),
                               torch.where(above, torch.full_like(fraction, 1.0 if r > 1 else 0.0), fraction))
        return index.to(torch.int64), fraction

    def _corners(self, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 4) cell indices and bilinear weights for (ix,iy), (ix+1,iy), (ix,iy+1), (ix+1,iy+1)."""
        ix, fx = self._cell_coordinate(points[:, 0])
        iy, fy = self._cell_coordinate(points[:, 1])
        step = 1 if self.resolution > 1 else 0
        c00 = iy * self.resolution + ix
        c10 = c00 + step
        c01 = c00 + step * self.resolution
        c11 = c01 + step
        cells = torch.stack([c00, c10, c01, c11], dim=1)
        weights = torch.stack([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], dim=1)
        return cells, weights

    # Masks

    def _blur_masks(self) -> torch.Tensor:
        """(R², F): for cell c and block j, the share of c's k×k window whose cells have j open."""
        binary = (self.counts[None, :, :] > self.block_index[:, None, None]).to(torch.float32)
        blurred = _box_filter(binary, self.kernel, float(self.kernel * self.kernel))
        return blurred.reshape(self.blocks, -1).t().contiguous()

    def values(self, points: torch.Tensor) -> torch.Tensor:
        cells, weights = self._corners(points)
        mask = weights[:, 0:1] * self.blurred.index_select(0, cells[:, 0])
        for corner in range(1, 4):
            mask = mask + weights[:, corner:corner + 1] * self.blurred.index_select(0, cells[:, corner])
        return mask

    # Control

    def prepare(self, step: int, total_steps: int) -> None:
        period = max(1, total_steps // (2 * max(self.blocks, 1)))
        if step > 0 and step % period == 0:
            self._update()

    def observe(self, points: torch.Tensor, losses: torch.Tensor) -> None:
        cells, weights = self._corners(points)
        weights = weights.to(torch.float64)
        flat = cells.reshape(-1)
        # index_add_ accumulates repeated cells (every sample counts).
        self.loss_sums.index_add_(0, flat, (weights * losses.to(torch.float64)[:, None]).reshape(-1))
        self.weight_sums.index_add_(0, flat, weights.reshape(-1))

    def _update(self) -> None:
        r, k = self.resolution, self.kernel
        visited = self.weight_sums > 0
        means = torch.where(visited, self.loss_sums / self.weight_sums.clamp_min(1e-300),
                            torch.zeros_like(self.loss_sums))
        # Unvisited cells: the mean over the visited cells of their clamped k×k window (the
        # cell itself is unvisited, so it never contributes; clamped duplicates count again).
        planes = torch.stack([means * visited, visited.to(torch.float64)]).reshape(2, r, r)
        sums = _box_filter(planes, k, 1.0).reshape(2, -1)
        neighbour_sum, neighbour_count = sums[0], sums[1]
        fillable = ~visited & (neighbour_count > 0)
        filled = torch.where(fillable, neighbour_sum / neighbour_count.clamp_min(1), means)
        known = visited | fillable
        # Box blur of the filled means, unknown cells counting as 0 (they are 0 in `filled`).
        blurred = _box_filter(filled.reshape(1, r, r), k, float(k * k)).reshape(-1)

        counts, active = self.counts.reshape(-1), self.active.reshape(-1)
        opens = active & (~known | (blurred > self.epsilon))
        stops = active & known & ~(blurred > self.epsilon)
        new_counts = torch.where(opens, (counts + 1).clamp_max(self.blocks), counts)
        changed = not torch.equal(new_counts, counts)
        self.counts = new_counts.reshape(r, r)
        self.active = (active & ~stops).reshape(r, r)
        self.loss_sums.zero_()
        self.weight_sums.zero_()
        if changed:
            self.blurred = self._blur_masks()

    def state(self) -> Any:
        return (self.counts.clone(), self.active.clone(), self.blurred)

    def load_state(self, state: Any) -> None:
        counts, active, blurred = state
        self.counts, self.active, self.blurred = counts.clone(), active.clone(), blurred


class SAPEEncoding(Encoding):
    """SAPE: [x, y] + [m_j(x)·sin a_j] + [m_j(x)·cos a_j], a_j = 2π⟨b_j, (x, y)⟩, with the
    mask m from a global or spatial progression; B as for Fourier features."""

    def __init__(self, features: int, sigma: float, seed: int, progression: str,
                 resolution: int, epsilon: float):
        self.scaled = scaled_fourier_basis(features, sigma, seed)
        self.width = 2 + 2 * features
        if progression == "spatial":
            self.mask: GlobalMask | SpatialMask = SpatialMask(features, resolution, epsilon)
            self.wants_losses = True
        else:
            self.mask = GlobalMask(features)
            self.wants_losses = False

    def prepare(self, step: int, total_steps: int) -> None:
        self.mask.prepare(step, total_steps)

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        arguments = points @ self.scaled
        mask = self.mask.values(points)
        return torch.cat([points, mask * torch.sin(arguments), mask * torch.cos(arguments)], dim=1)

    def observe(self, points: torch.Tensor, losses: torch.Tensor) -> None:
        self.mask.observe(points, losses)

    def state(self) -> Any:
        return self.mask.state()

    def load_state(self, state: Any) -> None:
        self.mask.load_state(state)


def make_encoding(config: dict) -> Encoding:
    enc = config["encoding"]
    kind = enc["type"]
    if kind == "raw":
        return RawEncoding()
    if kind == "positional":
        return PositionalEncoding(enc["frequencies"], enc["base"], enc["includeInput"])
    if kind == "fourier":
        return FourierEncoding(enc["features"], enc["sigma"], encoding_seed(config), enc["includeInput"])
    if kind == "sape":
        return SAPEEncoding(enc["features"], enc["sigma"], encoding_seed(config), enc["progression"],
                            enc["gridResolution"], enc["epsilon"])
    raise AssertionError(kind)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Network
# ─────────────────────────────────────────────────────────────────────────────────────────────


class MLP(nn.Module):
    """Linear layers [in → width] × hiddenLayers, then width → outputs; the activation follows
    each hidden layer only (the output is linear).  Sine is sin(ω·z), ω = firstOmega0 for the
    first layer and omega0 after it.  GELU is the tanh form (as inr computes it)."""

    def __init__(self, inputs: int, outputs: int, width: int, hidden_layers: int, activation: str,
                 omega0: float, first_omega0: float, initialization: str):
        super().__init__()
        widths = [inputs] + [width] * hidden_layers + [outputs]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.activation = activation
        self.omegas = [first_omega0 if i == 0 else omega0 for i in range(hidden_layers)]
        if initialization == "siren":
            # Layer 0: U(±1/fan_in); every later layer, the output included:
            # U(±√(6/fan_in)/ω0), for weights and biases alike.
            with torch.no_grad():
                for index, layer in enumerate(self.layers):
                    fan_in = layer.in_features
                    bound = 1 / fan_in if index == 0 else math.sqrt(6 / fan_in) / omega0
                    layer.weight.uniform_(-bound, bound)
                    layer.bias.uniform_(-bound, bound)
        # "default": nn.Linear's own initialisation, U(±1/√fan_in) for weights and biases.

    def _activate(self, z: torch.Tensor, index: int) -> torch.Tensor:
        if self.activation == "relu":
            return torch.relu(z)
        if self.activation == "gelu":
            return F.gelu(z, approximate="tanh")
        if self.activation == "sine":
            return torch.sin(self.omegas[index] * z)
        return z  # identity

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        for index, layer in enumerate(self.layers[:-1]):
            h = self._activate(layer(h), index)
        return self.layers[-1](h)

    def weight_l1(self) -> torch.Tensor:
        """Σ|w| over the weight matrices (not the biases)."""
        return sum(layer.weight.abs().sum() for layer in self.layers)


def make_network(config: dict, inputs: int, outputs: int) -> MLP:
    """Builds the MLP after torch.manual_seed(seed)."""
    net = config["network"]
    initialization = net["initialization"] or ("siren" if net["activation"] == "sine" else "default")
    first = net["firstOmega0"] if net["firstOmega0"] is not None else net["omega0"]
    torch.manual_seed(config["seed"])
    network = MLP(inputs, outputs, net["width"], net["hiddenLayers"], net["activation"],
                  net["omega0"], first, initialization)
    if RANDOM_SOURCE == "inr":
        # inr's bounds: siren as above; default U(±1/√fan_in) like nn.Linear's.
        layers = [(layer.in_features, layer.out_features) for layer in network.layers]
        bounds = [(1 / fan_in if index == 0 else math.sqrt(6 / fan_in) / net["omega0"]) if initialization == "siren"
                  else 1 / math.sqrt(fan_in) for index, (fan_in, _) in enumerate(layers)]
        with torch.no_grad():
            for layer, (weight, bias) in zip(network.layers, inr_random.initial_parameters(layers, config["seed"], bounds)):
                layer.weight.copy_(torch.from_numpy(weight))
                layer.bias.copy_(torch.from_numpy(bias))
    return network


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Training pieces: schedules, samplers, PSNR
# ─────────────────────────────────────────────────────────────────────────────────────────────


def scheduled_rate(schedule: dict, step: int, total_steps: int, base: float) -> float:
    """The learning rate of `step` for the closed-form schedules (plateau is stateful)."""
    kind = schedule["type"]
    if kind == "constant":
        return base
    if kind == "cosine":
        warmup, minimum = schedule["warmupSteps"], schedule["minimumLearningRate"]
        if step < warmup:
            return base * (step + 1) / warmup
        span = max(total_steps - warmup - 1, 1)
        progress = min(1.0, (step - warmup) / span)
        return minimum + (base - minimum) * 0.5 * (1 + math.cos(math.pi * progress))
    if kind == "step":
        return base * schedule["gamma"] ** (step // schedule["stepSize"])
    if kind == "exponential":
        return base * schedule["gamma"] ** step
    raise AssertionError(kind)


class RandomBatches:
    """Mini-batches without replacement: a fresh permutation every epoch (torch.Generator
    seeded with `seed`), cut into consecutive slices; an epoch's remainder too short for a
    batch is dropped, so every batch holds exactly `size` samples."""

    def __init__(self, count: int, fraction: float, seed: int):
        self.count = count
        # Round half away from zero, as inr does (Python's round() rounds half to even).
        self.size = max(1, int(math.floor(count * fraction + 0.5)))
        self.generator = torch.Generator().manual_seed(seed)
        self.permutation = torch.arange(count)
        self.position = count  # shuffle before the first batch
        self.inr_order = inr_random.BatchOrder(count, self.size, seed) if RANDOM_SOURCE == "inr" else None

    def next(self) -> torch.Tensor:
        if self.inr_order is not None:
            return torch.tensor(self.inr_order.next(), dtype=torch.long)
        if self.position + self.size > self.count:
            self.permutation = torch.randperm(self.count, generator=self.generator)
            self.position = 0
        batch = self.permutation[self.position:self.position + self.size]
        self.position += self.size
        return batch


def quantized_squared_error(prediction: torch.Tensor, samples: torch.Tensor, peak: float) -> float:
    """Σ (q − sample)² with q = round(clamp(y, 0, 1)·peak), half away from zero, in sample units."""
    q = torch.floor(prediction.detach().clamp(0, 1) * peak + 0.5)
    return float(((q - samples) ** 2).sum(dtype=torch.float64))


def psnr_from_error(squared_error: float, values: int, peak: float) -> float:
    """10·log10(peak²·count / Σ(q − sample)²), count = samples × channels."""
    if squared_error <= 0:
        return math.inf
    return 10 * math.log10(peak * peak * values / squared_error)


# ─────────────────────────────────────────────────────────────────────────────────────────────
# The fitter
# ─────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class FitResult:
    psnr: float        # best PSNR (dB) of the rounded reconstruction
    best_step: int     # completed steps when the best was measured
    steps: int         # steps run
    seconds: float     # fitting time (steps and evaluations, not image loading)
    seed: int


class Fitter:
    """Fits one config to one image, one step at a time (inr's Trainer).

    A step: encoding.prepare(t) → batch → learning rate → forward (per-sample losses; with
    full batches the PSNR of this pre-update forward, kept if best) → backward (+ L1) → Adam
    → plateau schedule fed the batch MSE → controller fed the per-sample losses → with random
    batches a whole-image evaluation every `evaluationInterval` steps.  `fit` evaluates the
    final weights too.
    """

    def __init__(self, config: dict, image: Image, evaluation_chunk: int = 65536):
        self.config = config
        self.image = image
        self.settings = config["training"]
        self.total_steps = self.settings["steps"]
        self.peak = image.peak
        self.coordinates = pixel_coordinates(image.width, image.height)
        self.samples = image.samples
        self.targets = image.targets()
        self.evaluation_chunk = evaluation_chunk

        self.encoding = make_encoding(config)
        self.network = make_network(config, self.encoding.width, image.channels)
        opt = config["optimizer"]
        self.optimizer = torch.optim.Adam(
            self.network.parameters(), lr=self.settings["learningRate"],
            betas=(opt["beta1"], opt["beta2"]), eps=opt["epsilon"], weight_decay=opt["weightDecay"])
        schedule = self.settings["schedule"]
        self.plateau = None
        if schedule["type"] == "plateau":
            self.plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
                self.optimizer, mode="min", factor=schedule["factor"], patience=schedule["patience"],
                threshold=schedule["threshold"], threshold_mode="rel", cooldown=schedule["cooldown"],
                min_lr=schedule["minimumLearningRate"])
        batch = self.settings["batch"]
        self.full_batch = batch["type"] == "full"
        self.batches = None if self.full_batch else RandomBatches(image.count, batch["fraction"], config["seed"])
        self.l1 = config["loss"]["l1WeightPenalty"]

        self.completed = 0
        self.elapsed = 0.0
        self.best_psnr = -math.inf
        self.best_step = 0
        self.best_weights: dict[str, torch.Tensor] | None = None
        self.best_encoding: Any = None

    def _keep_if_best(self, psnr: float) -> None:
        if psnr > self.best_psnr:
            self.best_psnr = psnr
            self.best_step = self.completed
            self.best_weights = {k: v.detach().clone() for k, v in self.network.state_dict().items()}
            self.best_encoding = self.encoding.state()

    def step(self) -> dict:
        """One training step; returns what it measured."""
        start = time.perf_counter()
        t = self.completed
        self.encoding.prepare(t, self.total_steps)
        if self.full_batch:
            points, samples, targets = self.coordinates, self.samples, self.targets
        else:
            indices = self.batches.next()
            points = self.coordinates.index_select(0, indices)
            samples = self.samples.index_select(0, indices)
            targets = self.targets.index_select(0, indices)

        if self.plateau is None:
            rate = scheduled_rate(self.settings["schedule"], t, self.total_steps, self.settings["learningRate"])
            for group in self.optimizer.param_groups:
                group["lr"] = rate
        else:
            rate = self.optimizer.param_groups[0]["lr"]

        with torch.no_grad():
            features = self.encoding.encode(points)
        prediction = self.network(features)
        sample_losses = (prediction - targets).pow(2).mean(dim=1)  # mean over channels
        mse = sample_losses.mean()

        psnr = None
        if self.full_batch:
            psnr = psnr_from_error(quantized_squared_error(prediction, samples, self.peak),
                                   samples.numel(), self.peak)
            self._keep_if_best(psnr)  # the pre-update weights this forward used

        objective = mse + self.l1 * self.network.weight_l1() if self.l1 != 0 else mse
        self.optimizer.zero_grad(set_to_none=True)
        objective.backward()
        self.optimizer.step()
        batch_loss = float(mse.detach())
        if self.plateau is not None:
            self.plateau.step(batch_loss)
        if self.encoding.wants_losses:
            self.encoding.observe(points, sample_losses.detach())
        self.completed += 1
        if not self.full_batch and self.completed % self.settings["evaluationInterval"] == 0:
            psnr = self.evaluate()
        self.elapsed += time.perf_counter() - start
        return {"step": self.completed, "learningRate": rate, "loss": batch_loss, "psnr": psnr,
                "bestPSNR": self.best_psnr}

    @torch.no_grad()
    def render(self, best: bool = False) -> torch.Tensor:
        """The (pixels, channels) reconstruction in [0, 1] units (unclamped), current or best."""
        saved = None
        if best and self.best_weights is not None:
            saved = ({k: v.clone() for k, v in self.network.state_dict().items()}, self.encoding.state())
            self.network.load_state_dict(self.best_weights)
            self.encoding.load_state(self.best_encoding)
        outputs = [self.network(self.encoding.encode(self.coordinates[i:i + self.evaluation_chunk]))
                   for i in range(0, self.image.count, self.evaluation_chunk)]
        if saved is not None:
            self.network.load_state_dict(saved[0])
            self.encoding.load_state(saved[1])
        return torch.cat(outputs)

    @torch.no_grad()
    def evaluate(self) -> float:
        """PSNR of the current weights over the whole image; kept if best."""
        error = 0.0
        for i in range(0, self.image.count, self.evaluation_chunk):
            points = self.coordinates[i:i + self.evaluation_chunk]
            error += quantized_squared_error(self.network(self.encoding.encode(points)),
                                             self.samples[i:i + self.evaluation_chunk], self.peak)
        psnr = psnr_from_error(error, self.samples.numel(), self.peak)
        self._keep_if_best(psnr)
        return psnr

    def fit(self, progress: Callable[[dict], None] | None = None) -> FitResult:
        limit = self.settings["timeLimit"]
        while self.completed < self.total_steps:
            if limit is not None and self.elapsed >= limit:
                break
            report = self.step()
            if progress is not None:
                progress(report)
        start = time.perf_counter()
        self.evaluate()
        self.elapsed += time.perf_counter() - start
        return FitResult(psnr=self.best_psnr, best_step=self.best_step, steps=self.completed,
                         seconds=self.elapsed, seed=self.config["seed"])


def configure(config: dict, steps: int | None = None, seed: int | None = None) -> dict:
    """A copy of `config` with the command line's overrides applied."""
    config = json.loads(json.dumps(config))  # deep copy of plain data
    if steps is not None:
        config["training"]["steps"] = steps
    if seed is not None:
        config["seed"] = seed
    return config


def set_threads(threads: int) -> None:
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set, or parallel work has started: harmless


# ─────────────────────────────────────────────────────────────────────────────────────────────
# Command line
# ─────────────────────────────────────────────────────────────────────────────────────────────


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit an inr config with the PyTorch reference and print the PSNR.")
    parser.add_argument("config", help="inr YAML config")
    parser.add_argument("--input", required=True, help="image to fit (PNG; anything ffmpeg reads)")
    parser.add_argument("--steps", type=int, help="override training.steps (schedules follow it)")
    parser.add_argument("--seed", type=int, help="override the top-level seed")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--random", choices=["inr", "torch"], default="inr",
                        help="random source: replay inr's streams (default) or torch's generators")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--progress", type=int, default=0, metavar="N",
                        help="report every N steps on stderr (0: never)")
    args = parser.parse_args(argv)

    try:
        config = configure(load_config(args.config), args.steps, args.seed)
    except (ConfigError, OSError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.steps is not None and args.steps < 0 or args.seed is not None and args.seed < 0:
        print("error: --steps and --seed must not be negative", file=sys.stderr)
        return 2
    set_threads(args.threads)
    global RANDOM_SOURCE
    RANDOM_SOURCE = args.random
    try:
        image = load_image(args.input)
    except (RuntimeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    fitter = Fitter(config, image)

    def progress(report: dict) -> None:
        if args.progress and (report["step"] % args.progress == 0 or report["step"] == fitter.total_steps):
            psnr = "" if report["psnr"] is None else f"  psnr {report['psnr']:.3f}"
            print(f"step {report['step']:6d}  lr {report['learningRate']:.3g}  loss {report['loss']:.6g}"
                  f"{psnr}  best {report['bestPSNR']:.3f}", file=sys.stderr)

    result = fitter.fit(progress)
    if args.json:
        print(json.dumps({"psnr": result.psnr, "steps": result.steps,
                          "seconds": round(result.seconds, 3), "seed": result.seed}))
    else:
        print(f"PSNR {result.psnr:.3f} dB (best at step {result.best_step}; {result.steps} steps, "
              f"{result.seconds:.1f} s, seed {result.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
