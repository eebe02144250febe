"""The engine's MLP setup trained in PyTorch, on the exact splits the engine exported (scripts/crosscheck-torch.ts).

    python3 scripts/crosscheck/torch_mlp.py DATA_DIR

DATA_DIR holds config.json ({features, classes, hidden, inputRate, rates, seeds, epochs, batchSize, learningRate})
and per seed seed-<s>/{train,validation}.{x,y}.f32 (float32, little-endian, row-major). Prints one JSON line per
(rate, seed): best and final validation loss. The same architecture as the engine: dropout (drop probability
`rate`, inverted) on the input (inputRate) and before every dense layer after the first; Glorot-uniform kernels,
zero biases; Adam with TF.js's defaults (epsilon 1e-7); mean cross-entropy; validation scored without dropout.
The initial weights and batch order come from torch's generator seeded with the seed, not from the engine's.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn


def load(folder, split, features):
    x = np.fromfile(os.path.join(folder, f"{split}.x.f32"), dtype="<f4").reshape(-1, features)
    y = np.fromfile(os.path.join(folder, f"{split}.y.f32"), dtype="<f4").astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def build(config, rate):
    sizes = [config["features"], *config["hidden"], config["classes"]]
    layers = []
    for index in range(len(sizes) - 1):
        place_rate = config["inputRate"] if index == 0 else rate
        if place_rate > 0:
            layers.append(nn.Dropout(place_rate))
        linear = nn.Linear(sizes[index], sizes[index + 1])
        nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if index < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def train(config, data, rate, seed):
    torch.manual_seed(seed)
    model = build(config, rate)
    optimizer = torch.optim.Adam(model.parameters(), lr=config["learningRate"], eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    (x, y), (vx, vy) = data
    losses = []
    for _ in range(config["epochs"]):
        model.train()
        for batch in torch.randperm(len(x)).split(config["batchSize"]):
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            losses.append(loss_fn(model(vx), vy).item())
    best = min(range(len(losses)), key=lambda i: losses[i])
    return {"rate": rate, "seed": seed, "best_val_loss": losses[best], "best_epoch": best + 1, "final_val_loss": losses[-1]}


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    torch.set_num_threads(1)
    for seed in config["seeds"]:
        seed_dir = os.path.join(folder, f"seed-{seed}")
        data = (load(seed_dir, "train", config["features"]), load(seed_dir, "validation", config["features"]))
        for rate in config["rates"]:
            print(json.dumps(train(config, data, rate, seed)), flush=True)


if __name__ == "__main__":
    main()
