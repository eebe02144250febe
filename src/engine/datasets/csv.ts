/**
 * A user's CSV file: a header row, numeric feature columns and one target column. The file must stay inside the
 * spec's folder (a spec shared with the workspace must not read arbitrary files). Features are standardized with
 * the train split's statistics only, so nothing about the validation or test rows leaks into training.
 */
import type { CsvDataset } from '../../core/spec';
import { editDistance, stripBom } from '../../core/text';
import { createRng, deriveSeed } from '../random';
import { shuffleAndSplit, splitCounts } from './split';
import { DatasetError, type DataFiles, type Dataset, type DatasetErrorLocation, type Split } from './types';

/** One CSV record with the 1-based line it starts on and the offset of that line in the text (BOM removed). */
export interface CsvRecord {
  line: number;
  offset: number;
  cells: string[];
}

/**
 * RFC 4180 with leniencies: LF or CRLF, a leading BOM, blank lines skipped, cells trimmed, whitespace allowed
 * around a quoted cell. Quoted cells may hold commas, "" and line breaks.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const source = stripBom(text); // an editor does not show the BOM, so positions are counted without it
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let cellWasQuoted = false;
  let recordHasQuotes = false;
  let line = 1;
  let recordLine = 1;
  let recordOffset = 0;

  const endCell = (): void => {
    cells.push(cellWasQuoted ? cell : cell.trim());
    cell = '';
    cellWasQuoted = false;
  };
  const endRecord = (): void => {
    endCell();
    const blank = cells.length === 1 && cells[0] === '' && !recordHasQuotes;
    if (!blank) records.push({ line: recordLine, offset: recordOffset, cells });
    cells = [];
    recordHasQuotes = false;
  };

  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === '"' && !cellWasQuoted && cell.trim() === '') {
      // Opening quote: read up to the closing quote, "" standing for a literal quote.
      const quoteLine = line;
      cell = '';
      cellWasQuoted = true;
      recordHasQuotes = true;
      i++;
      for (;;) {
        if (i >= source.length) throw new DatasetError('unterminated quoted field', { file, line: quoteLine });
        if (source[i] === '"') {
          if (source[i + 1] !== '"') break;
          i++;
        } else if (source[i] === '\n') {
          line++;
        }
        cell += source[i];
        i++;
      }
      i++; // the closing quote
      // Only whitespace may follow the closing quote before the separator.
      while (source[i] === ' ' || source[i] === '\t') i++;
      if (i < source.length && source[i] !== ',' && source[i] !== '\n' && source[i] !== '\r') {
        throw new DatasetError(`unexpected character ${JSON.stringify(source[i])} after a closing quote`, { file, line });
      }
      continue;
    }
    if (char === ',') {
      endCell();
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
      recordOffset = i + 1;
    } else {
      cell += char;
    }
    i++;
  }
  if (cell !== '' || cells.length > 0 || cellWasQuoted) endRecord();
  return records;
}

/**
 * The 1-based line and character where cell `index` of `record` starts (its first non-blank character), or where
 * the record ends when the row has fewer cells. Only computed for an error, so records carry one offset, not one per cell.
 */
export function cellPosition(source: string, record: CsvRecord, index: number): { line: number; character: number; offset: number } {
  let line = record.line;
  let lineStart = record.offset;
  let cell = 0;
  let cellStart = record.offset;
  let quoted = false;
  let i = record.offset;
  for (; i < source.length && cell < index; i++) {
    const char = source[i];
    if (char === '"') quoted = !quoted;
    else if (quoted && char === '\n') {
      line++;
      lineStart = i + 1;
    } else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') {
      cell++;
      cellStart = i + 1;
    }
  }
  let at = cell === index ? cellStart : i;
  while (cell === index && (source[at] === ' ' || source[at] === '\t')) at++;
  return { line, character: at - lineStart + 1, offset: at };
}

const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number, or undefined. Stricter than Number(): no "", "0x10", "Infinity". */
function parseNumber(cell: string): number | undefined {
  if (!DECIMAL_NUMBER.test(cell)) return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

function closestName(wanted: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(wanted.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.ceil(wanted.length / 3)) ? best : undefined;
}

/**
 * Centres and scales each feature of every split with the train split's mean and (population) std; returns them
 * (std 1 for a constant feature) so an exported model can apply the same step to new data.
 */
function standardizeWithTrainStatistics(train: Split, others: Split[], featureCount: number): { mean: number[]; std: number[] } {
  const statistics = { mean: [] as number[], std: [] as number[] };
  for (let feature = 0; feature < featureCount; feature++) {
    let sum = 0;
    for (let row = 0; row < train.count; row++) sum += train.x[row * featureCount + feature];
    const mean = sum / train.count;
    let squares = 0;
    for (let row = 0; row < train.count; row++) squares += (train.x[row * featureCount + feature] - mean) ** 2;
    const std = Math.sqrt(squares / train.count);
    // A constant feature carries no information; centring it is enough and avoids dividing by 0.
    const scale = std > 0 ? 1 / std : 1;
    statistics.mean.push(mean);
    statistics.std.push(1 / scale);
    for (const split of [train, ...others]) {
      for (let row = 0; row < split.count; row++) {
        const index = row * featureCount + feature;
        split.x[index] = (split.x[index] - mean) * scale;
      }
    }
  }
  return statistics;
}

/** Class indices in the order of the sorted unique target values: numerically if all are numbers. */
function classIndexer(values: string[]): { classNames: string[]; indexOf: (value: string) => number } {
  const allNumeric = values.every((value) => parseNumber(value) !== undefined);
  if (allNumeric) {
    const unique = [...new Set(values.map((value) => parseNumber(value) as number))].sort((a, b) => a - b);
    const indexByValue = new Map(unique.map((value, index) => [value, index]));
    return { classNames: unique.map(String), indexOf: (value) => indexByValue.get(parseNumber(value) as number) as number };
  }
  const unique = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const indexByValue = new Map(unique.map((value, index) => [value, index]));
  return { classNames: unique, indexOf: (value) => indexByValue.get(value) as number };
}

export function loadCsv(spec: CsvDataset, seed: number, files: DataFiles): Dataset {
  const { file, text } = files.read(spec.path, 'path');
  const source = stripBom(text); // an editor does not show the BOM, so positions are counted without it
  const records = parseCsv(source, file);
  const columns = records[0]?.cells ?? [];
  /** Where cell `column` of `record` is, for an error about it. */
  const at = (record: CsvRecord, column: number): DatasetErrorLocation => {
    const { line, character, offset } = cellPosition(source, record, column);
    return { file, line, character, offset, ...(column < columns.length ? { column: columns[column] } : {}) };
  };
  if (records.length === 0) throw new DatasetError('the file is empty; a header row is required', { file });
  const [header, ...rows] = records;
  columns.forEach((name, index) => {
    if (name === '') throw new DatasetError(`header column ${index + 1} has no name`, at(header, index));
    if (columns.indexOf(name) !== index) throw new DatasetError(`duplicate column "${name}"`, at(header, index));
  });
  const targetColumn = columns.indexOf(spec.target);
  if (targetColumn < 0) {
    const suggestion = closestName(spec.target, columns);
    throw new DatasetError(
      `no column "${spec.target}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; the columns are: ${columns.join(', ')}`,
      { file, line: header.line, column: spec.target, specField: 'target' },
    );
  }
  const featureColumns = columns.map((_, index) => index).filter((index) => index !== targetColumn);
  if (featureColumns.length === 0) throw new DatasetError('no feature columns besides the target', { file, line: header.line });
  if (rows.length < 2) throw new DatasetError(`need at least 2 data rows, found ${rows.length}`, { file });

  const featureCount = featureColumns.length;
  const x = new Float32Array(rows.length * featureCount);
  const targetCells: string[] = [];
  rows.forEach((record, rowIndex) => {
    if (record.cells.length > columns.length) {
      throw new DatasetError(`${record.cells.length} fields, but the header has ${columns.length}`, at(record, columns.length));
    }
    const cellOf = (column: number): string => {
      const cell = record.cells[column] ?? '';
      if (cell === '') {
        const short = column >= record.cells.length ? `: the row has ${record.cells.length} of the header's ${columns.length} fields` : '';
        throw new DatasetError(`missing value in column "${columns[column]}"${short}`, at(record, column));
      }
      return cell;
    };
    featureColumns.forEach((column, feature) => {
      const cell = cellOf(column);
      const value = parseNumber(cell);
      if (value === undefined) {
        throw new DatasetError(`column "${columns[column]}": ${JSON.stringify(cell)} is not a number`, at(record, column));
      }
      x[rowIndex * featureCount + feature] = value;
    });
    targetCells.push(cellOf(targetColumn));
  });

  const y = new Float32Array(rows.length);
  let classCount = 1;
  let classNames: string[] | undefined;
  let targetDescription: string;
  if (spec.task === 'classification') {
    const indexer = classIndexer(targetCells);
    classNames = indexer.classNames;
    const { indexOf } = indexer;
    if (classNames.length < 2) {
      throw new DatasetError(`classification needs at least 2 classes in "${spec.target}", found only ${JSON.stringify(classNames[0])}`, {
        file,
        column: spec.target,
        specField: 'target',
      });
    }
    targetCells.forEach((cell, row) => (y[row] = indexOf(cell)));
    classCount = classNames.length;
    targetDescription = `${classCount} classes`;
  } else {
    targetCells.forEach((cell, row) => {
      const value = parseNumber(cell);
      if (value === undefined) {
        throw new DatasetError(`regression target "${spec.target}": ${JSON.stringify(cell)} is not a number`, at(rows[row], targetColumn));
      }
      y[row] = value;
    });
    targetDescription = 'regression';
  }

  const counts = splitCounts(rows.length, spec.validationFraction, spec.testFraction);
  const splits = shuffleAndSplit(x, y, featureCount, counts, createRng(deriveSeed(deriveSeed(seed, 'dataset'), 'split')));
  const inputStandardization = standardizeWithTrainStatistics(splits.train, [splits.validation, splits.test], featureCount);
  return {
    description: `${file.split(/[\\/]/).pop()} (${rows.length} rows, ${featureCount} features, ${targetDescription})`,
    task: spec.task,
    featureCount,
    classCount,
    ...splits,
    ...(classNames ? { classNames } : {}),
    featureNames: featureColumns.map((column) => columns[column]!),
    inputStandardization,
  };
}
