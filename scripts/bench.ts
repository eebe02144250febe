/**
 * `npm run bench`: how fast Dropout Lab trains, measured, not asserted (benchmarks never run in the tests).
 *
 *   npm run bench [-- options]
 *     --json                 print one JSON object instead of the table
 *     --save-json FILE       also write that JSON object to FILE
 *     --backends wasm,cpu    backends to measure (default: wasm+blas,wasm,cpu,tensorflow; unavailable ones are reported;
 *                            with wasm+blas and wasm, also their ratio paired run by run in one process)
 *     --models small,wide,mnist,cnn
 *     --cpu-models small     models measured on the cpu backend (default: small only; it runs 1 step/s on the wide ones)
 *     --reps N               interleaved repetitions per measurement (default 3; median and range reported)
 *     --epochs N             epochs per training run (default 3; the cpu backend runs 1)
 *     --sweep-epochs N       epochs per trial of the sweep measurement (default: the example's 150); --no-sweep skips it
 *     --no-mnist-sweep       skip the whole MNIST sweep (3 rates × 3 seeds × 40 epochs) on wasm, wasm+blas and in PyTorch
 *     --no-queue             skip the queue measurement (local pool vs 2 workers through a real redis-server)
 *     --no-ui                skip the webview measurement (a live 50-trial × 500-epoch sweep in headless Chromium)
 *     --no-torch             skip the PyTorch reference; --no-extension skips the activation measurement
 *     --ab NAME              A/B of an engine change instead of the report (see `abVariants` in bench/engine.ts)
 *     --profile              a profiled epoch per backend and model instead of the report: kernels and ms per step
 *                            by group, GFLOP/s per product shape, the epoch's scoring against its training
 *
 * One module per measurement in scripts/bench/: engine (throughput against model.fit, and --ab), sweep (scaling
 * and epoch-to-listener delay), queue (the same sweep through Redis and workers), torch (the PyTorch reference), extension (bundles and activation), ui (the
 * webview); report prints them as one table. Throughput runs in a child process per backend and model: this
 * script again, with `--child BACKEND MODEL`.
 * Needs `npm run build` first (the sweep forks dist/trainer.js, activation loads dist/extension.js).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { childAb, childThroughput, measureAb, measureBlasRatio, measureThroughput, runChild } from './bench/engine';
import { childProfile, printProfiles, type ProfileResult } from './bench/profile';
import { measureMnistSweep } from './bench/mnistSweep';
import { measureExtension } from './bench/extension';
import { parseOptions, type Options } from './bench/options';
import { printAb, printTable, type Report } from './bench/report';
import { measureQueue } from './bench/queue';
import { measureSweep } from './bench/sweep';
import { measureTorch } from './bench/torch';
import { measureUi } from './bench/ui';
import { errorMessage } from '../src/core/errors';

async function report(options: Options): Promise<Report> {
  const { json: _json, child: _child, ...asked } = options;
  const progress = options.json ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const result: Report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.versions.node, loadAverage: os.loadavg() },
    options: asked,
    throughput: measureThroughput(options, progress),
  };
  if (options.backends.includes('wasm+blas') && options.backends.includes('wasm')) result.blasRatio = measureBlasRatio(options, progress);
  if (options.torch) result.torch = measureTorch(options);
  if (options.sweep) {
    try {
      result.sweep = await measureSweep(options);
    } catch (error) {
      result.sweep = { error: errorMessage(error) };
    }
  }
  if (options.mnistSweep) {
    try {
      result.mnistSweep = await measureMnistSweep(progress);
    } catch (error) {
      result.mnistSweep = { error: errorMessage(error) };
    }
  }
  if (options.queue) {
    try {
      result.queue = await measureQueue(options);
    } catch (error) {
      result.queue = { error: errorMessage(error) };
    }
  }
  if (options.extension) result.extension = measureExtension();
  if (options.ui) result.ui = measureUi();
  return result;
}

function readOptions(): Options {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`npm run bench: ${errorMessage(error)} (the options are listed at the top of scripts/bench.ts)`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (options.child) {
    const { backend, model } = options.child;
    const result = options.profile ? await childProfile(backend, model)
      : options.ab ? await childAb(backend, model, options) : await childThroughput(backend, model, options);
    console.log(JSON.stringify(result));
    return;
  }
  if (options.profile) {
    const results = options.backends.flatMap((backend) => options.models.map((model) => runChild<ProfileResult>(options, backend, model)));
    if (options.json) console.log(JSON.stringify(results, null, 2));
    else printProfiles(results);
    return;
  }
  if (options.ab) {
    const results = measureAb(options);
    if (options.json) console.log(JSON.stringify(results, null, 2));
    else printAb(results);
    return;
  }
  const result = await report(options);
  if (options.saveJson) fs.writeFileSync(options.saveJson, `${JSON.stringify(result, null, 2)}\n`);
  if (options.json) console.log(JSON.stringify(result, null, 2));
  else printTable(result);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
