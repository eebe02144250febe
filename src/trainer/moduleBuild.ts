/**
 * A builder module's model, in the trainer: discovery (build once with every default, keras-tuner's way of finding the
 * space) and a trial's build (with the trial's values). Either way the module's tf.LayersModel is read as the
 * engine's layer list and disposed at once: the engine trains its own network (seeded masks, both inference rules).
 */
import * as tf from '@tensorflow/tfjs';
import type { HpAssignment, HpSpace } from '../core/hyperparameters';
import { taskOf, type ExperimentSpec } from '../core/spec';
import { BuilderHp } from '../engine/model/builderHp';
import { specDatasetShape } from '../engine/model/estimate';
import { layersFromTopology, type ImportedModel } from '../engine/model/kerasTopology';
import type { Dataset } from '../engine/datasets/types';
import type { ModuleDiscovery, ModuleProblem } from '../protocol/trainer';
import { errorMessage } from '../core/errors';
import { loadBuilderModule, ModuleError, runBuild, type BuilderData } from './builderModule';

/** What `build` is told about the data: the spec says it for the built-in datasets; a CSV or image folder is read. */
export function builderData(spec: ExperimentSpec, loadData: () => Dataset): BuilderData {
  const shape = specDatasetShape(spec);
  if (shape) return { inputShape: shape.imageShape ?? [shape.featureCount], classes: shape.outputUnits, task: taskOf(spec.dataset) };
  const dataset = loadData();
  return { inputShape: dataset.imageShape ?? [dataset.featureCount], classes: dataset.classCount, task: dataset.task };
}

/**
 * Builds the module once with every default, recording its `hp` calls in call order (keras-tuner's discovery), and
 * reads which names set a dropout layer's rate (`dropoutHps`: a configuration with all of them at 0 is the verdict's
 * no-dropout baseline).
 */
export async function discoverModule(spec: ExperimentSpec, specDir: string, loadData: () => Dataset): Promise<ModuleDiscovery> {
  const module = await loadBuilderModule(spec.model.module!, specDir);
  const recorder = new BuilderHp();
  const { model, warnings } = await runBuild(module, recorder.api(), builderData(spec, loadData));
  let imported: ImportedModel;
  try {
    imported = converted(model, module.name);
  } finally {
    model.dispose();
  }
  return {
    sha256: module.sha256, space: recorder.space, layers: imported.layers.map((layer) => layer.type), dropoutLayers: imported.dropoutLayers,
    dropoutHps: rateNames(recorder.space, imported.dropoutLayers.map((layer) => layer.rate)), warnings: [...warnings, ...recorder.warnings],
  };
}

/**
 * The floats whose default is a dropout layer's rate in the default build, in layer order, each once; a rate that
 * two floats' defaults equal names neither. (Building again with other values to tell them apart would run the
 * module on values discovery is not meant to try.)
 */
function rateNames(space: HpSpace, rates: number[]): string[] {
  const floats = Object.entries(space).filter(([, entry]) => entry.type === 'float');
  const names = rates.flatMap((rate) => {
    const matches = floats.filter(([, entry]) => entry.type === 'float' && entry.default === rate).map(([name]) => name);
    return matches.length === 1 ? matches : [];
  });
  return [...new Set(names)];
}

/** The module built with one trial's values, as the engine's layer list (the module's model disposed). */
export async function moduleTrialModel(spec: ExperimentSpec, specDir: string, values: HpAssignment, loadData: () => Dataset): Promise<ImportedModel> {
  const module = await loadBuilderModule(spec.model.module!, specDir);
  const { model } = await runBuild(module, new BuilderHp(values).api(), builderData(spec, loadData));
  try {
    return converted(model, module.name);
  } finally {
    model.dispose();
  }
}

/** The model's topology read by the converter; a layer the engine cannot train is an error naming it. */
function converted(model: tf.LayersModel, moduleName: string): ImportedModel {
  try {
    return layersFromTopology(model.toJSON(null, false), 'the model build() returned');
  } catch (error) {
    throw new ModuleError(moduleName, errorMessage(error));
  }
}

/** A failure as the runner shows it: a ModuleError keeps its position in the module. */
export function moduleProblemOf(error: unknown): ModuleProblem {
  if (!(error instanceof ModuleError)) return { message: errorMessage(error) };
  return {
    message: error.message,
    detail: error.detail,
    ...(error.file !== undefined ? { file: error.file } : {}),
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.column !== undefined ? { column: error.column } : {}),
  };
}
