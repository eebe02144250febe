/**
 * The sweep's best model: which trial it is, and publishing that trial's saved model as `<sweep>/best-model/`.
 * Plain file work (no TF.js): the trainer wrote each trial's model; the runner, the CLI and the extension copy.
 */
import * as fs from 'node:fs';
import { improves } from '../core/objective';
import { configOf } from '../core/dropoutConfig';
import { selectRuleOf } from '../core/selection';
import type { ExperimentSpec } from '../core/spec';
import { writeFileAtomically } from './atomic';
import { bestModelDir, modelFiles, trialModelDir } from './layout';
import { readManifest } from './reader';
import { bestRate, summarizeSweepTrials, type SeedResult } from '../core/summary';
import type { BestModelChoice, SweepManifest, TrialRecord } from '../core/records';
import { errorMessage } from '../core/errors';

/**
 * The trial whose model the sweep publishes: within the best configuration (the best mean selected objective over
 * its finished trials, the one `sweep.json`'s `best` names), the seed with the best selected value (validation),
 * at its selected epoch. Failed, cancelled, interrupted and diverged trials never vote (core/selection.ts), and with
 * Hyperband only trials trained to maxEpochs compare. The test split plays no part. Ties go to the lower seed.
 */
export function chooseBestModel(trials: TrialRecord[], spec: ExperimentSpec): BestModelChoice | undefined {
  const objective = spec.sweep.objective;
  const best = bestRate(summarizeSweepTrials(trials, spec), objective);
  let chosen: SeedResult | undefined;
  for (const result of best?.perSeed ?? []) if (improves(objective, result.value, chosen?.value)) chosen = result;
  if (!best || !chosen) return undefined;
  return {
    trialId: chosen.trialId, epoch: chosen.epoch, objective, value: chosen.value,
    configuration: configOf(best), seed: chosen.seed, select: selectRuleOf(spec), ...(chosen.test ? { test: chosen.test } : {}),
  };
}

/**
 * Copies a model folder's `model.json` and `weights.bin` into `toDir` (created if needed), weights first, each
 * atomically; `editJson` may change model.json on the way (the runner adds the sweep to its metadata).
 */
export function copyModel(fromDir: string, toDir: string, editJson: (json: Record<string, any>) => void = () => {}): void {
  const from = modelFiles(fromDir);
  const to = modelFiles(toDir);
  const json = JSON.parse(fs.readFileSync(from.json, 'utf8')) as Record<string, any>;
  editJson(json);
  fs.mkdirSync(toDir, { recursive: true });
  writeFileAtomically(to.weights, fs.readFileSync(from.weights));
  writeFileAtomically(to.json, `${JSON.stringify(json)}\n`);
}

/**
 * Publishes the chosen trial's model as `<sweep>/best-model/`. Returns an error message when the trial left no
 * model (e.g. its trainer was killed).
 */
export function publishBestModel(dir: string, manifest: Pick<SweepManifest, 'id'>, choice: BestModelChoice): string | undefined {
  const source = trialModelDir(dir, choice.trialId);
  try {
    if (!fs.existsSync(modelFiles(source).json)) return `trial ${choice.trialId} saved no model`;
    copyModel(source, bestModelDir(dir), (json) => {
      const metadata = json.userDefinedMetadata?.dropoutLab;
      if (metadata) {
        metadata.sweep = {
          id: manifest.id, selectedBy: `the best configuration by mean ${choice.objective} at each trial's ${choice.select ?? 'best-epoch'}, its best seed`,
        };
      }
    });
    return undefined;
  } catch (error) {
    return `cannot publish the best model of ${choice.trialId}: ${errorMessage(error)}`;
  }
}

/** Where a stored sweep's best model is, or why it has none (what the CLI and the extension tell the user). */
export function findBestModel(sweepDir: string): { dir: string; choice: BestModelChoice } | { problem: string } {
  let manifest: SweepManifest;
  try {
    manifest = readManifest(sweepDir);
  } catch (error) {
    return { problem: `${sweepDir} is not a readable sweep folder (${errorMessage(error)})` };
  }
  const dir = bestModelDir(sweepDir);
  if (!manifest.bestModel || !fs.existsSync(modelFiles(dir).json)) {
    const why = manifest.endedAt ? 'no trial saved a model (or the sweep predates model export)' : 'it has not ended (the best model is published at the end)';
    return { problem: `sweep ${manifest.id} has no best model: ${why}` };
  }
  return { dir, choice: manifest.bestModel };
}

/**
 * Copies a sweep's best model (model.json + weights.bin) into `toDir`. Throws when it has none, or when `toDir`
 * already holds a model.json and `overwrite` is false.
 */
export function exportBestModel(sweepDir: string, toDir: string, overwrite = false): BestModelChoice {
  const found = findBestModel(sweepDir);
  if ('problem' in found) throw new Error(found.problem);
  if (!overwrite && fs.existsSync(modelFiles(toDir).json)) throw new Error(`${modelFiles(toDir).json} already exists`);
  copyModel(found.dir, toDir);
  return found.choice;
}
