/**
 * The cross-field rules of one `sweep.space` entry, keras-tuner's (`hp.Float`, `hp.Int`, `hp.Choice`): a range's min
 * is not above its max, log sampling needs min > 0 and a step > 1 (a factor), a choice's values are of one type and
 * distinct, a default lies in the range or among the values. Then keras-tuner's defaults: a range's is its min, a
 * choice's its first value. Pure: the walker positions each problem on the field it names.
 */
import type { HpType, HpValue } from '../../core/hyperparameters';
import { quote } from './messages';
import type { FieldProblem } from './splits';

/** Checks an entry whose fields are each valid (the table's defaults filled in), and fills in its default if it has none. */
export function completeHpEntry(type: HpType, values: Record<string, unknown>, written: (key: string) => boolean): FieldProblem[] {
  const problems = type === 'float' || type === 'int' ? rangeProblems(type, values, written)
    : type === 'choice' ? choiceProblems(values)
    : [];
  if (problems.length === 0 && values.default === undefined) {
    if (type === 'float' || type === 'int') values.default = values.min;
    else if (type === 'choice') values.default = (values.values as HpValue[])[0];
  }
  return problems;
}

const error = (key: string, message: string): FieldProblem => ({ key, message, severity: 'error' });

function rangeProblems(type: 'float' | 'int', values: Record<string, unknown>, written: (key: string) => boolean): FieldProblem[] {
  const { min, max, step, sampling } = values as { min: number; max: number; step?: number; sampling: string };
  if (min > max) return [error('max', `max ${max} is less than min ${min}`)];
  const problems: FieldProblem[] = [];
  if (sampling !== 'linear') {
    if (min <= 0) {
      problems.push(error('min', `sampling ${quote(sampling)} spreads values by ratio, so min must be > 0, found ${min}`));
    }
    if (written('step') && step! <= 1) {
      problems.push(error('step', `with sampling ${quote(sampling)}, step is the factor between values and must be > 1, found ${step}`));
    } else if (!written('step') && type === 'int') {
      problems.push(error('sampling', `an int with sampling ${quote(sampling)} needs a step > 1: the factor between values (2 for 16, 32, 64, …)`));
    }
  }
  const fallback = values.default;
  if (typeof fallback === 'number' && (fallback < min || fallback > max)) {
    problems.push(error('default', `default ${fallback} is outside the range from min ${min} to max ${max}`));
  }
  return problems;
}

function choiceProblems(values: Record<string, unknown>): FieldProblem[] {
  const choices = values.values as HpValue[];
  const problems: FieldProblem[] = [];
  const kind = typeof choices[0];
  const firstIndex = new Map<HpValue, number>();
  choices.forEach((value, i) => {
    const first = firstIndex.get(value);
    if (typeof value !== kind) {
      problems.push(error(`values[${i}]`, `the values of a choice must all be of one type: values[0] is a ${kind}, this is a ${typeof value}`));
    } else if (first !== undefined) {
      problems.push(error(`values[${i}]`, `duplicate value ${JSON.stringify(value)} (already at values[${first}])`));
    } else {
      firstIndex.set(value, i);
    }
  });
  const fallback = values.default as HpValue | undefined;
  if (fallback !== undefined && !choices.includes(fallback)) {
    problems.push(error('default', `default ${JSON.stringify(fallback)} is not one of the values`));
  }
  return problems;
}
