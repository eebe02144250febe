import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { resumeSweep, startSweep } from '../../src/runner/runner';
import { listSweeps, loadSweep } from '../../src/store/reader';
import { StoreWriteError, type StoreFileSystem } from '../../src/store/writer';
import { killedMidSweep, trialLines } from '../support/interrupt';
import { tempDir, tinySpec, trainerPath, writeSpec } from '../support/specs';
import { testBackend } from '../support/backend';
import { sweepOptions } from '../support/sweeps';
import { loadBlasAddon } from '../../src/engine/blasKernels';

/** Whether the optional native backend is installed here: the backend tests expect it to load or to be reported missing. */
const nodeBackendInstalled = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();


describe('runner', () => {
  test('a sweep trains every trial in trainer processes and stores every epoch', async () => {
    const options = sweepOptions(tinySpec({ sweep: { rates: [0, 0.5], repeats: 2 } }));
    const run = startSweep(options);
    assert.equal(await run.finished, 'completed');
    assert.deepEqual(run.trials.map((t) => t.id), ['rate-0_seed-3', 'rate-0_seed-4', 'rate-0.5_seed-3', 'rate-0.5_seed-4']);
    assert.equal(run.trialsToRun, 4);
    assert.equal(run.dir, path.join(path.dirname(options.specPath), '.dropout', 'runs', 'tiny', run.id));

    const record = loadSweep(run.dir);
    assert.equal(record.status, 'completed');
    assert.equal(record.manifest.backend?.name, testBackend);
    assert.deepEqual(record.warnings, []);
    for (const trial of record.trials) {
      assert.equal(trial.status, 'completed', trial.plan.id);
      assert.deepEqual(trial.epochs.map((e) => e.epoch), [1, 2, 3, 4]);
      assert.equal(trial.summary?.epochs, 4);
      assert.equal(trial.parameterCount, 2 * 16 + 16 + 16 * 2 + 2);
      const lines = fs.readFileSync(path.join(run.dir, 'trials', `${trial.plan.id}.jsonl`), 'utf8').trim().split('\n');
      assert.deepEqual(lines.map((line) => JSON.parse(line).kind), ['header', 'epoch', 'epoch', 'epoch', 'epoch', 'summary']);
    }
    // Events: one start, a backend per trainer, 16 epochs, 4 ends, one end of sweep, in that causal order.
    const types = options.events.map((e) => e.type).filter((t) => t !== 'log');
    assert.equal(types[0], 'sweepStarted');
    assert.equal(types.at(-1), 'sweepEnded');
    assert.equal(types.filter((t) => t === 'backendReady').length, 2);
    assert.equal(types.filter((t) => t === 'epoch').length, 16);
    assert.equal(types.filter((t) => t === 'trialEnded').length, 4);
  });

  test('the same seed gives the same metrics in separate processes; rates of one seed share data and initial weights', async () => {
    const first = startSweep(sweepOptions(tinySpec()));
    const second = startSweep(sweepOptions(tinySpec()));
    // Learning next to nothing, a trial ends its first epoch with the weights it began with: then two rates of one seed
    // score alike on the whole training and validation sets only if they began from the same weights on the same data.
    const still = startSweep(sweepOptions(tinySpec({
      training: { epochs: 1, batchSize: 16, optimizer: 'sgd', learningRate: 1e-9, seed: 3 }, sweep: { rates: [0, 0.5], repeats: 2 },
    })));
    assert.deepEqual(await Promise.all([first.finished, second.finished, still.finished]), ['completed', 'completed', 'completed']);
    const strip = (dir: string) => loadSweep(dir).trials.map((t) => t.epochs.map(({ durationMs: _ms, ...m }) => m));
    assert.deepEqual(strip(first.dir), strip(second.dir));

    const firstEpochs = new Map(loadSweep(still.dir).trials.map((t) => [t.plan.id, t.epochs[0]!]));
    const scores = (id: string) => {
      const epoch = firstEpochs.get(id)!;
      return [epoch.train_loss, epoch.train_acc!, epoch.val_loss, epoch.val_acc!];
    };
    for (const seed of [3, 4]) {
      const [noDropout, dropout] = [scores(`rate-0_seed-${seed}`), scores(`rate-0.5_seed-${seed}`)];
      noDropout.forEach((value, i) => assert.ok(Math.abs(value - dropout[i]!) < 1e-6, `seed ${seed}: rate 0 scores ${noDropout}, rate 0.5 ${dropout}`));
    }
    const [seed3, seed4] = [scores('rate-0_seed-3'), scores('rate-0_seed-4')];
    assert.ok(Math.abs(seed3[2]! - seed4[2]!) > 1e-3, `another seed draws other data and weights: val_loss ${seed3[2]} and ${seed4[2]}`);
  });

  test('a trainer killed mid-trial fails only its trial; the others finish and its epochs stay readable', async () => {
    let killed: string | undefined;
    const options = sweepOptions(tinySpec({ training: { epochs: 40, batchSize: 8, seed: 1 }, sweep: { rates: [0, 0.3, 0.6] } }), { workers: 1 });
    options.onEvent = (event) => {
      options.events.push(event);
      if (event.type === 'trialStarted' && event.trialId === 'rate-0.3_seed-1') {
        killed = event.trialId;
        const pid = event.pid;
        const waitForEpochs = setInterval(() => {
          const epochs = options.events.filter((e) => e.type === 'epoch' && e.trialId === killed).length;
          if (epochs >= 2) {
            clearInterval(waitForEpochs);
            process.kill(pid, 'SIGKILL');
          }
        }, 5);
      }
    };
    const run = startSweep(options);
    assert.equal(await run.finished, 'completed');
    const record = loadSweep(run.dir);
    const byId = new Map(record.trials.map((t) => [t.plan.id, t]));
    assert.equal(byId.get('rate-0_seed-1')?.status, 'completed');
    assert.equal(byId.get('rate-0.6_seed-1')?.status, 'completed', 'a fresh trainer picks up the trial after the crash');
    const victim = byId.get('rate-0.3_seed-1')!;
    assert.equal(victim.status, 'failed');
    assert.match(victim.summary?.error ?? '', /killed \(SIGKILL\)/);
    assert.ok(victim.epochs.length >= 2 && victim.epochs.length < 40, `kept ${victim.epochs.length} epochs`);
    assert.deepEqual(victim.epochs.map((e) => e.epoch), Array.from({ length: victim.epochs.length }, (_, i) => i + 1));
    // Only finished trials vote: rate 0.3's one trial failed, so it is no candidate, and the published model is a
    // trial of the configuration sweep.json names best.
    assert.ok(record.manifest.best && record.manifest.best.rate !== 0.3, `best rate ${record.manifest.best?.rate}`);
    assert.deepEqual(record.manifest.bestModel?.configuration, { rate: record.manifest.best.rate });
    assert.equal(record.manifest.bestModel?.trialId, `rate-${record.manifest.best.rate}_seed-1`);
  });

  test('cancel stops running trials at a batch boundary and leaves queued trials pending', async () => {
    const options = sweepOptions(tinySpec({ training: { epochs: 500, batchSize: 8 }, sweep: { rates: [0, 0.2, 0.4, 0.6] } }), { workers: 1 });
    const run = startSweep({
      ...options,
      onEvent: (event) => {
        if (event.type === 'epoch' && event.metrics.epoch === 3) run.cancel();
      },
    });
    assert.equal(await run.finished, 'cancelled');
    const record = loadSweep(run.dir);
    assert.equal(record.status, 'cancelled');
    assert.deepEqual(record.trials.map((t) => t.status), ['cancelled', 'pending', 'pending', 'pending']);
    const cancelled = record.trials[0];
    assert.ok(cancelled.epochs.length >= 3 && cancelled.epochs.length < 500);
    assert.equal(cancelled.summary?.epochs, cancelled.epochs.length);
  });

  test('cancel after the sweep has ended changes nothing: the manifest keeps its status and no stop request', async () => {
    const run = startSweep(sweepOptions(tinySpec({ sweep: { rates: [0.5] } }), { workers: 1 }));
    assert.equal(await run.finished, 'completed');
    const before = fs.readFileSync(path.join(run.dir, 'sweep.json'), 'utf8');
    run.cancel(); // e.g. Ctrl-C while the CLI prints the table
    assert.equal(fs.readFileSync(path.join(run.dir, 'sweep.json'), 'utf8'), before);
    assert.equal(loadSweep(run.dir).manifest.cancelRequestedAt, undefined);
  });

  test('cancel kills a trainer stuck in a long batch after the grace period; no trainer outlives the sweep', async () => {
    const pids: number[] = [];
    const options = sweepOptions(tinySpec({
      dataset: { type: 'moons', samples: 20000, validationFraction: 0.1 },
      model: { hidden: [2048, 2048] },
      training: { epochs: 2, batchSize: 18000 },
      sweep: { rates: [0.5] },
    }), { workers: 1, cancelGraceMs: 300 });
    const run = startSweep({
      ...options,
      onEvent: (event) => {
        if (event.type === 'backendReady') pids.push(event.pid);
        if (event.type === 'trialStarted') run.cancel(); // the trainer is now inside one long synchronous step
      },
    });
    assert.equal(await run.finished, 'cancelled');
    const [trial] = loadSweep(run.dir).trials;
    assert.equal(trial.status, 'cancelled');
    assert.match(trial.summary?.error ?? '', /killed \(SIGKILL\)/);
    assert.equal(pids.length, 1);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `trainer ${pid} still alive`);
  });

  test('a backend that cannot start fails every trial with the reason, and the sweep ends', async () => {
    const run = startSweep(sweepOptions(tinySpec(), { backend: 'tensorflow' }));
    const status = await run.finished;
    const record = loadSweep(run.dir);
    if (nodeBackendInstalled) {
      assert.equal(status, 'completed');
      assert.equal(record.manifest.backend?.name, 'tensorflow');
    } else {
      assert.equal(status, 'failed');
      for (const trial of record.trials) {
        assert.equal(trial.status, 'failed');
        assert.match(trial.summary?.error ?? '', /tfjs-node/);
      }
    }
  });

  test('auto falls back from tfjs-node to wasm+blas, or to wasm without the addon, and says why', async () => {
    const options = sweepOptions(tinySpec({ sweep: { rates: [0.5] } }), { backend: 'auto' });
    const run = startSweep(options);
    await run.finished;
    const backend = loadSweep(run.dir).manifest.backend!;
    if (nodeBackendInstalled) assert.equal(backend.name, 'tensorflow');
    else {
      // auto prefers wasm+blas whatever the suite trains on; without the addon it says why and takes wasm.
      const blas = 'addon' in loadBlasAddon();
      assert.equal(backend.name, blas ? 'wasm+blas' : 'wasm');
      assert.match(backend.fallbacks.join('\n'), /^tensorflow: .*tfjs-node/m);
      if (!blas) assert.match(backend.fallbacks.join('\n'), /^wasm\+blas: the BLAS addon is not built/m);
    }
  });
});

/** An errno failure as Node's fs raises it. */
function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure, ${syscall}`), { code, syscall });
}

describe('runner: run store faults', () => {
  test('a full disk (ENOSPC mid-sweep) stops the sweep with the folder and errno; nothing half-written reads as completed', async () => {
    let epochWrites = 0;
    const storeFileSystem: StoreFileSystem = {
      ...fs,
      writeSync: ((fd: number, text: string) => {
        if (text.includes('"kind":"epoch"') && ++epochWrites > 5) throw errnoError('ENOSPC', 'write');
        return fs.writeSync(fd, text);
      }) as typeof fs.writeSync,
    };
    const pids: number[] = [];
    const options = sweepOptions(
      tinySpec({ training: { epochs: 40, batchSize: 8, seed: 1 }, sweep: { rates: [0, 0.3, 0.6] } }), { workers: 1, storeFileSystem });
    const run = startSweep({ ...options, onEvent: (event) => { options.events.push(event); if (event.type === 'backendReady') pids.push(event.pid); } });
    assert.equal(await run.finished, 'failed');
    assert.ok(run.error?.includes(run.dir), run.error);
    assert.match(run.error ?? '', /ENOSPC \(the disk is full\)/);
    const logged = options.events.filter((e) => e.type === 'log' && e.level === 'error').map((e) => (e as { message: string }).message);
    assert.ok(logged.some((message) => message.includes(run.dir) && /ENOSPC/.test(message) && /The sweep is stopped/.test(message)), logged.join('\n'));
    assert.equal(options.events.at(-1)?.type, 'sweepEnded');

    const record = loadSweep(run.dir);
    assert.equal(record.status, 'failed');
    assert.match(record.manifest.error ?? '', /ENOSPC/);
    // The first trial had 5 epochs written when the disk filled: it has no summary and is not presented as complete.
    assert.deepEqual(record.trials.map((t) => t.status), ['interrupted', 'pending', 'pending']);
    assert.deepEqual(record.trials[0].epochs.map((e) => e.epoch), [1, 2, 3, 4, 5]);
    assert.equal(record.trials[0].summary, undefined);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `trainer ${pid} outlived the sweep`);
  });

  test('a runs folder that cannot be written refuses to start, naming the folder and errno, and writes nothing', () => {
    const root = tempDir();
    // Tests may run as root, for whom a read-only mode does not stop writes: a path through a file fails for anyone.
    const file = path.join(root, 'not-a-folder');
    fs.writeFileSync(file, '');
    const runsRoot = path.join(file, 'runs');
    assert.throws(() => startSweep(sweepOptions(tinySpec(), { runsRoot })), (error: Error) => {
      assert.ok(error instanceof StoreWriteError);
      assert.ok(error.message.includes(path.join(runsRoot, 'tiny')), error.message);
      assert.match(error.message, /ENOTDIR \(a part of the path is a file, not a folder\)/);
      return true;
    });
    // A read-only file system, injected through the store's file-system seam.
    const readOnly: StoreFileSystem = { ...fs, mkdirSync: (() => { throw errnoError('EROFS', 'mkdir'); }) as typeof fs.mkdirSync };
    const target = path.join(root, 'runs');
    assert.throws(() => startSweep(sweepOptions(tinySpec(), { runsRoot: target, storeFileSystem: readOnly })),
      /cannot write the run store in .*runs.*: EROFS \(the file system is read-only\)/);
    assert.equal(fs.existsSync(target), false);
    if (process.getuid?.() !== 0) {
      const locked = path.join(root, 'locked');
      fs.mkdirSync(locked, { mode: 0o555 });
      assert.throws(() => startSweep(sweepOptions(tinySpec(), { runsRoot: locked })), /cannot write the run store in .*locked.*: EACCES/);
    }
  });

  test('two sweeps of the same spec at once are both kept, in distinct folders with distinct ids', async () => {
    const options = sweepOptions(tinySpec({ sweep: { rates: [0.5] } }), { workers: 1 });
    const runs = [startSweep(options), startSweep(options)];
    assert.deepEqual(await Promise.all(runs.map((run) => run.finished)), ['completed', 'completed']);
    assert.notEqual(runs[0].id, runs[1].id);
    assert.notEqual(runs[0].dir, runs[1].dir);
    const listed = listSweeps(path.join(path.dirname(options.specPath), '.dropout', 'runs'));
    assert.deepEqual(listed.map((sweep) => sweep.id).sort(), runs.map((run) => run.id).sort());
    for (const run of runs) assert.deepEqual(loadSweep(run.dir).trials.map((t) => [t.status, t.epochs.length]), [['completed', 4]]);
  });
});

describe('runner: load', () => {
  test('a sweep of 200 short trials completes with every trial and epoch stored', async () => {
    const rates = Array.from({ length: 100 }, (_, i) => i / 100); // drop probabilities 0, 0.01, …, 0.99
    const options = sweepOptions(tinySpec({
      dataset: { type: 'moons', samples: 40, noise: 0.2, validationFraction: 0.5 }, model: { hidden: [8] },
      training: { epochs: 2, batchSize: 20, seed: 1 }, sweep: { rates, repeats: 2 }, evaluation: { mcSamples: 0 },
    }));
    const run = startSweep(options);
    assert.equal(await run.finished, 'completed');
    assert.equal(run.trials.length, 200);
    const files = fs.readdirSync(path.join(run.dir, 'trials'));
    assert.equal(files.length, 200);
    assert.deepEqual(files.sort(), run.trials.map((trial) => `${trial.id}.jsonl`).sort());
    const record = loadSweep(run.dir);
    assert.deepEqual(record.warnings, []);
    for (const trial of record.trials) {
      assert.equal(trial.status, 'completed', trial.plan.id);
      assert.deepEqual(trial.epochs.map((e) => e.epoch), [1, 2], trial.plan.id);
    }
    assert.equal(options.events.filter((e) => e.type === 'epoch').length, 400);
    assert.equal(options.events.filter((e) => e.type === 'trialEnded').length, 200);
  });
});

describe('runner: strategies', () => {
  test('hyperband: rounds promote the best trials, which resume (epochs continue, no restart); the others are stopped', async () => {
    // maxEpochs 4, factor 2: log₂4 = 2 → ceil(3) = 3; 4 → 2 → 1 → 0.5: 3 brackets.
    //   b=2: 3/3 = 1 → 4, 2, 1 trials at 1, 2, 4 epochs;  b=1: 1.5 → 3, 2 at 2, 4;  b=0: 3 at 4.
    const options = sweepOptions(tinySpec({
      training: { batchSize: 16, learningRate: 0.01, seed: 3 },
      sweep: { rates: [0, 0.2, 0.4, 0.6], strategy: 'hyperband', maxEpochs: 4, factor: 2 },
    }), { workers: 2 });
    const run = startSweep(options);
    assert.equal(await run.finished, 'completed');
    assert.equal(run.trials.length, 4 + 3 + 3);
    const record = loadSweep(run.dir);
    assert.equal(record.manifest.strategy, 'hyperband');
    const rungs = record.manifest.rungs!;
    assert.deepEqual(rungs.map((r) => [r.bracket, r.round, r.epochs, r.trials.length, r.promoted.length, r.stopped.length]), [
      [2, 0, 1, 4, 2, 2], [2, 1, 2, 2, 1, 1], [2, 2, 4, 1, 0, 0],
      [1, 0, 2, 3, 2, 1], [1, 1, 4, 2, 0, 0],
      [0, 0, 4, 3, 0, 0],
    ]);
    const byId = new Map(record.trials.map((t) => [t.plan.id, t]));
    // The trial promoted twice in bracket 2 trained epochs 1..4 in one file, with no restart.
    const champion = byId.get(rungs[2]!.trials[0]!)!;
    assert.deepEqual(champion.epochs.map((e) => e.epoch), [1, 2, 3, 4]);
    assert.equal(champion.summary?.epochs, 4);
    assert.equal(champion.summary?.stoppedByStrategy, undefined);
    const [e1, e2, e3] = champion.epochs.map((e) => e.loss);
    assert.ok(Math.abs(e3! - e2!) < Math.abs(e3! - e1!) || e3! < e1!, `losses ${champion.epochs.map((e) => e.loss)}`);
    // Promoted trials were ranked by their best val_loss: each promoted one beats each stopped one of its round.
    for (const rung of rungs) {
      const best = (id: string) => Math.min(...byId.get(id)!.epochs.filter((e) => e.epoch <= rung.epochs).map((e) => e.val_loss));
      for (const winner of rung.promoted) for (const loser of rung.stopped) assert.ok(best(winner) <= best(loser), `${winner} vs ${loser}`);
      // Losers stop at the rung's epoch, marked as stopped by the strategy.
      for (const loser of rung.stopped) {
        const trial = byId.get(loser)!;
        assert.equal(trial.epochs.length, rung.epochs);
        assert.equal(trial.summary?.stoppedByStrategy, true);
        assert.equal(trial.summary?.epochs, rung.epochs);
      }
    }
    // Listeners (the panel's rounds table) hear each round as it is decided, after the trialEnded of those it stopped.
    const rungEvents = options.events.flatMap((event) => (event.type === 'rung' ? [event.rung] : []));
    assert.deepEqual(rungEvents, rungs);
    const stoppedAt = options.events.findIndex(
      (event) => event.type === 'trialEnded' && event.summary.stoppedByStrategy && event.trialId === rungs[0]!.stopped[0]);
    assert.ok(stoppedAt >= 0 && stoppedAt < options.events.findIndex((event) => event.type === 'rung'));
    // Checkpoints served the promotions (the resumed curves above); they are removed when the sweep ends.
    assert.ok(!fs.existsSync(path.join(run.dir, 'checkpoints')));
  });

  test('random: the drawn rates are trained; maxTrials stops new trials', async () => {
    const options = sweepOptions(
      tinySpec({ sweep: { rates: [0, 0.1, 0.2, 0.3, 0.4, 0.5], strategy: 'random', samples: 3, seed: 9, maxTrials: 2 } }), { workers: 1 });
    const run = startSweep(options);
    assert.equal(await run.finished, 'completed');
    const record = loadSweep(run.dir);
    assert.equal(run.trials.length, 3);
    assert.deepEqual(run.trials.map((t) => t.rate), options.spec.sweep.rates);
    assert.deepEqual(record.trials.map((t) => t.status), ['completed', 'completed', 'pending']);
    assert.equal(record.manifest.budgetExhausted, 'maxTrials');
  });
});

describe('runner: resume', () => {
  test('sweep.maxTrials holds across a resume: the trials an interrupted run started count, and may finish', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, tinySpec({ training: { epochs: 30, batchSize: 8, seed: 3 }, sweep: { rates: [0, 0.3, 0.6], maxTrials: 2 } }));
    // Killed while the second trial (the last the budget allows) trains: the third was never asked for.
    const sweepDir = await killedMidSweep(spec, path.join(dir, 'runs'), ['--backend', testBackend, '--workers', '1'],
      (at) => trialLines(at, 'rate-0_seed-3') === 32 && trialLines(at, 'rate-0.3_seed-3') >= 4);
    assert.deepEqual(loadSweep(sweepDir).trials.map((t) => t.status), ['completed', 'interrupted', 'pending']);

    const run = resumeSweep(sweepDir, { backend: testBackend, workers: 1, trainerPath });
    assert.equal(await run.finished, 'completed');
    const record = loadSweep(sweepDir);
    assert.deepEqual(record.trials.map((t) => t.status), ['completed', 'completed', 'pending']);
    assert.equal(record.manifest.budgetExhausted, 'maxTrials');
  });
});
