#!/usr/bin/env python3
"""MS-SSIM of the synthetic image pair the MS-SSIM test builds, by pytorch-msssim.

The test (Tests/INRMediaTests/MetricsTests.swift) holds the numbers this prints. The images:
192×176 RGB (even sizes through four halvings: 96×88, 48×44, 24×22, 12×11... the last
halving of 11 is not reached), sample (row r, column c, channel k):
    original       = (7r + 13c + 50k + (r·c mod 17)) mod 256
    reconstruction = clamp(original + ((3r + 5c + 7k) mod 9) - 4, 0, 255)
Set up: Tools/.venv/bin/pip install pytorch-msssim
"""
import torch
from pytorch_msssim import ms_ssim

H, W = 192, 176
r = torch.arange(H).view(H, 1, 1).double()
c = torch.arange(W).view(1, W, 1).double()
k = torch.arange(3).view(1, 1, 3).double()
original = torch.remainder(7 * r + 13 * c + 50 * k + torch.remainder(r * c, 17), 256)
reconstruction = torch.clamp(original + torch.remainder(3 * r + 5 * c + 7 * k, 9) - 4, 0, 255)
to_batch = lambda x: x.permute(2, 0, 1).unsqueeze(0)
print(f"{ms_ssim(to_batch(original), to_batch(reconstruction), data_range=255).item():.10f}")
