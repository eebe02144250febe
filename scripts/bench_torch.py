"""PyTorch reference for `npm run bench`: the same MLPs, batch sizes, Adam and dropout as scripts/bench.ts.

    python3 scripts/bench_torch.py MODEL THREADS REPS    (MODEL: small | wide | mnist | cnn)

Prints one JSON line: {"stepsPerSecond": median over REPS timed runs}. Random data, like the bench's synthetic
models (throughput does not depend on what is learnt); mnist uses the MNIST example's shapes (784-256-256-10,
batch 64, input dropout 0.1, hidden dropout 0.5); cnn the bench's convnet (conv 32 → pool → conv 64 → pool → 128,
channel dropout after each pool and dropout before the classifier, all at 0.25, batch 64, 1024 samples).
"""
import json
import statistics
import sys
import time

import torch
from torch import nn

MODELS = {
    # name: (features, hidden, classes, batch, input dropout, hidden dropout, train samples)
    "small": (20, [256, 256], 2, 32, 0.0, 0.5, 2048),
    "wide": (784, [512, 512], 10, 128, 0.0, 0.5, 1024),
    "mnist": (784, [256, 256], 10, 64, 0.1, 0.5, 1000),
    # The convnet's input, classes, batch and samples; its layers are build_cnn's.
    "cnn": (784, None, 10, 64, 0.0, 0.25, 1024),
}


def build_cnn(rate):
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout2d(rate),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout2d(rate),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(rate), nn.Linear(128, 10),
    )


def build(features, hidden, classes, input_rate, hidden_rate):
    layers = []
    sizes = [features, *hidden, classes]
    for index in range(len(sizes) - 1):
        rate = input_rate if index == 0 else hidden_rate
        if rate > 0:
            layers.append(nn.Dropout(rate))
        layers.append(nn.Linear(sizes[index], sizes[index + 1]))
        if index + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def main():
    name, threads, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    features, hidden, classes, batch, input_rate, hidden_rate, samples = MODELS[name]
    model = build_cnn(hidden_rate) if name == "cnn" else build(features, hidden, classes, input_rate, hidden_rate)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(samples, features)
    y = torch.randint(0, classes, (samples,))
    steps_per_epoch = (samples + batch - 1) // batch

    def epoch():
        order = torch.randperm(samples)
        for start in range(0, samples, batch):
            rows = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()

    model.train()
    epoch()  # warm-up
    rates = []
    for _ in range(reps):
        started = time.perf_counter()
        for _ in range(3):
            epoch()
        rates.append(3 * steps_per_epoch / (time.perf_counter() - started))
    print(json.dumps({"stepsPerSecond": statistics.median(rates), "runs": rates}))


if __name__ == "__main__":
    main()
