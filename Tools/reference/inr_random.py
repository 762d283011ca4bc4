"""inr's random streams in Python, draw for draw.

inr draws every random number from `SeededGenerator` (Sources/INRCore/Support/
SeededGenerator.swift): xoshiro256** seeded through SplitMix64, with a purpose label (FNV-1a)
mixed into the seed, uniform doubles from the top 53 bits, Box–Muller Gaussians and Lemire's
bounded integers. Replaying the same streams here gives the reference the very initial weights,
Fourier frequencies and batch order a Swift fit starts from, so the two implementations can be
compared from the same starting point rather than only in distribution.
"""

from __future__ import annotations

import math

import numpy as np

MASK = (1 << 64) - 1


def _rotate(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK


class SeededGenerator:
    def __init__(self, seed: int, stream: str | None = None):
        if stream is not None:
            digest = 0xCBF29CE484222325  # FNV-1a
            for byte in stream.encode():
                digest = ((digest ^ byte) * 0x00000100000001B3) & MASK
            seed ^= digest
        state = seed & MASK
        words = []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & MASK
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            words.append(z ^ (z >> 31))
        self.s = words

    def next(self) -> int:
        s = self.s
        result = (_rotate((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotate(s[3], 45)
        return result

    def unit(self) -> float:
        return (self.next() >> 11) * 2.0 ** -53

    def uniform(self, lower: float, upper: float) -> float:
        return lower + (upper - lower) * self.unit()

    def gaussian(self) -> float:
        u = self.unit()
        while u == 0:
            u = self.unit()
        v = self.unit()
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)

    def index(self, bound: int) -> int:
        product = self.next() * bound
        if (product & MASK) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (product & MASK) < threshold:
                product = self.next() * bound
        return product >> 64


def initial_parameters(layers: list[tuple[int, int]], seed: int, bounds: list[float]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weight [out, in], bias [out]) per layer, as `Parameters(spec:seed:)` draws them."""
    generator = SeededGenerator(seed, "initialization")
    result = []
    for (fan_in, fan_out), bound in zip(layers, bounds):
        weight = np.array([generator.uniform(-bound, bound) for _ in range(fan_in * fan_out)], dtype=np.float64)
        bias = np.array([generator.uniform(-bound, bound) for _ in range(fan_out)], dtype=np.float64)
        result.append((weight.astype(np.float32).reshape(fan_out, fan_in), bias.astype(np.float32)))
    return result


def fourier_scaled(count: int, sigma: float, seed: int) -> np.ndarray:
    """2π·B as float32, shape (2, count), as `FourierBasis` computes it."""
    generator = SeededGenerator(seed, "fourier-features")
    magnitudes = [float(np.float32(sigma)) * generator.gaussian() for _ in range(count)]
    directions = []
    for _ in range(count):
        v = [generator.gaussian(), generator.gaussian()]
        norm = max(math.sqrt(v[0] * v[0] + v[1] * v[1]), 2.2250738585072014e-308)
        directions.append([v[0] / norm, v[1] / norm])
    order = sorted(range(count), key=lambda j: (abs(magnitudes[j]), j))
    scaled = np.zeros((2, count), dtype=np.float32)
    for j, source in enumerate(order):
        for c in range(2):
            scaled[c, j] = np.float32(2 * math.pi * magnitudes[source] * directions[source][c])
    return scaled


class BatchOrder:
    """`RandomBatchSampler`: Fisher–Yates over the running permutation each epoch."""

    def __init__(self, count: int, size: int, seed: int):
        self.generator = SeededGenerator(seed, "batches")
        self.permutation = list(range(count))
        self.count, self.size, self.position = count, size, count

    def next(self) -> list[int]:
        if self.position + self.size > self.count:
            p = self.permutation
            for i in range(self.count - 1, 0, -1):
                j = self.generator.index(i + 1)
                p[i], p[j] = p[j], p[i]
            self.position = 0
        batch = self.permutation[self.position:self.position + self.size]
        self.position += self.size
        return batch
