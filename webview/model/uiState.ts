/**
 * What a view remembers across reloads through `vscode.setState` (webviews are not retained when hidden).
 * `specPath` and `experiment` sit at the top level so the host's serializer can reopen the panel from them.
 */
import { clampSmoothing } from './series';
import type { HeatmapPick } from './heatmap';
import { defaultSort, isSortColumn, type TableSort } from './table';

export interface UiState {
  version: 1;
  smoothing: number;
  logScale: boolean;
  sort: TableSort;
  /** The trials table's filter query (model/tableFilter.ts). */
  filter: string;
  /** The heatmap's row and column dimensions, as picked. */
  heatmap: HeatmapPick;
  /** Dirs of stored sweeps drawn over the primary one, in the order they were picked. */
  overlays: string[];
  specPath?: string;
  experiment?: string;
}

export const defaultUiState: UiState = { version: 1, smoothing: 0.6, logScale: false, sort: defaultSort, filter: '', heatmap: {}, overlays: [] };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a saved state field by field; anything missing or malformed takes its default (older or foreign state). */
export function restoreUiState(saved: unknown): UiState {
  const state: UiState = { ...defaultUiState, sort: { ...defaultSort }, heatmap: {}, overlays: [] };
  if (!isObject(saved)) return state;
  if (typeof saved.smoothing === 'number') state.smoothing = clampSmoothing(saved.smoothing);
  if (typeof saved.logScale === 'boolean') state.logScale = saved.logScale;
  if (isObject(saved.sort) && isSortColumn(saved.sort.column) && (saved.sort.direction === 'asc' || saved.sort.direction === 'desc')) {
    state.sort = { column: saved.sort.column, direction: saved.sort.direction };
  }
  if (typeof saved.filter === 'string') state.filter = saved.filter;
  if (isObject(saved.heatmap)) {
    if (typeof saved.heatmap.rows === 'string') state.heatmap.rows = saved.heatmap.rows;
    if (typeof saved.heatmap.columns === 'string') state.heatmap.columns = saved.heatmap.columns;
  }
  if (Array.isArray(saved.overlays)) state.overlays = [...new Set(saved.overlays.filter((dir): dir is string => typeof dir === 'string' && dir !== ''))];
  if (typeof saved.specPath === 'string') state.specPath = saved.specPath;
  if (typeof saved.experiment === 'string') state.experiment = saved.experiment;
  return state;
}
