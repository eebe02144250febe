// A fixture state for the preview: a finished random search over a space of three named hyperparameters (a
// spatial-dropout rate, a dense dropout rate from a choice, and a log-sampled learning rate), 18 configurations × 2
// seeds, built in memory (no training, no run store) so the new views can be looked at and screenshot on their own.
// The numbers are shaped, not trained: val_loss is lowest near conv_rate 0.2, dense_rate 0.25 and lr 0.001, with
// seeded noise, so the charts have something to say.

/** mulberry32: a small seeded generator, so the fixture is the same on every run. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const configs = 18;
const seeds = 2;
const epochs = 24;

function curve(hp, seed, random) {
  const badness = 1.6 * (hp.conv_rate - 0.2) ** 2 + 0.9 * (hp.dense_rate - 0.25) ** 2 + 0.05 * Math.log10(hp.lr / 0.001) ** 2;
  const speed = 4 + 10 * Math.abs(Math.log10(hp.lr / 0.01));
  const overfit = 0.12 * (0.5 - hp.conv_rate) * (0.5 - hp.dense_rate / 2);
  const metrics = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const fit = 0.9 * Math.exp(-epoch / speed);
    const noise = (random() - 0.5) * 0.02 + (seed - 1.5) * 0.006;
    const train_loss = 0.12 + fit + badness * 0.6 - overfit * (epoch / epochs) + noise / 2;
    const val_loss = 0.2 + fit + badness + overfit * (epoch / epochs) ** 2 + noise;
    metrics.push({
      epoch, loss: train_loss + 0.05, acc: 0.96 - train_loss / 4, train_loss, train_acc: 0.97 - train_loss / 4, val_loss,
      val_acc: Math.min(0.995, 0.99 - val_loss / 3 + noise / 4), durationMs: 900 + 400 * random(),
    });
  }
  return metrics;
}

/** The replay host.js plays: the sweep as it started and ended, its events (`simulate`: sweeps.mjs), no history. */
export function spaceReplay(simulate) {
  const random = seeded(13);
  const convRates = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
  const denseRates = [0, 0.25, 0.5];
  // keras-tuner's float from 1e-4 to 1e-2 with log sampling and step 10^0.5 (rounded).
  const learningRates = [0.0001, 0.0003, 0.001, 0.003, 0.01];
  const trials = [];
  const seen = new Set();
  while (seen.size < configs) {
    const hp = {
      conv_rate: convRates[Math.floor(random() * convRates.length)],
      dense_rate: denseRates[Math.floor(random() * denseRates.length)],
      lr: learningRates[Math.floor(random() * learningRates.length)],
    };
    const key = `conv_rate-${hp.conv_rate}_dense_rate-${hp.dense_rate}_lr-${hp.lr}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (let seed = 1; seed <= seeds; seed++) {
      const epochsOf = curve(hp, seed, random);
      const best = epochsOf.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
      trials.push({
        plan: { id: `${key}_seed-${seed}`, hp, seed, repeat: seed - 1 },
        state: 'completed',
        epochs: epochsOf,
        summary: {
          status: 'completed', epochs, stoppedEarly: false, durationMs: epochsOf.reduce((sum, m) => sum + m.durationMs, 0), final: epochsOf.at(-1),
          selected: {
            rule: 'best-epoch', objective: 'val_loss', epoch: best.epoch, value: best.val_loss,
            test: { loss: best.val_loss * 1.05, acc: best.val_acc - 0.01 },
          },
        },
      });
    }
  }
  const final = {
    dir: '/preview/runs/mnist-cnn/space-fixture', id: 'space-fixture', experiment: 'mnist-cnn', specPath: '/preview/mnist-cnn.dropout.json',
    status: 'completed', startedAt: '2026-12-01T09:00:00.000Z', endedAt: '2026-12-01T09:21:00.000Z', backend: 'wasm',
    epochs, task: 'classification', mcSamples: 0, dropoutStyle: 'inverted', strategy: 'random', objective: 'val_loss', select: 'best-epoch',
    dataset: { type: 'mnist', testFraction: 0.2 }, trials,
  };
  const started = {
    ...final, status: 'running', backend: undefined, endedAt: undefined, trials: trials.map((trial) => ({ plan: trial.plan, state: 'pending', epochs: [] })),
  };
  // The history line names the best configuration as the store would: the lowest mean selected val_loss.
  const byConfig = new Map();
  for (const trial of trials) {
    const key = trial.plan.id.replace(/_seed-\d+$/, '');
    byConfig.set(key, [...(byConfig.get(key) ?? []), trial]);
  }
  const [bestTrials, bestValue] = [...byConfig.values()]
    .map((group) => [group, group.reduce((sum, trial) => sum + trial.summary.selected.value, 0) / group.length])
    .reduce((a, b) => (b[1] < a[1] ? b : a));
  const item = {
    dir: final.dir, id: final.id, experiment: final.experiment, specPath: final.specPath, status: final.status, startedAt: final.startedAt,
    endedAt: final.endedAt, trialCount: trials.length,
    best: { hp: bestTrials[0].plan.hp, val_loss: bestValue, objective: { name: 'val_loss', value: bestValue } },
  };
  return { started, final, events: simulate(final, 2), historyBefore: [], historyAfter: [item], stored: { [final.dir]: final } };
}
