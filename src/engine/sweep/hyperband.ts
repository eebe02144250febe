/**
 * The Hyperband schedule (Li et al., JMLR 18, 2018) exactly as keras-tuner's `HyperbandOracle` computes it, so a
 * keras-tuner user gets the same brackets for the same (max_epochs, factor):
 *
 *   brackets      while epochs ≥ 1 (min_epochs): epochs /= factor; brackets += 1   (epochs starts at max_epochs)
 *   rounds(b)     b + 1
 *   size(b, r)    ceil( ceil(1 + log_factor(max_epochs)) / (b + 1) · factor^(b − r) )   trials in round r
 *   epochs(b, r)  ceil( max_epochs / factor^(b − r) )                                   cumulative epochs after round r
 *
 * Brackets run from the most aggressive (b = brackets − 1: many trials, 1 epoch-ish) down to b = 0 (plain random
 * search at max_epochs), `iterations` times. The best size(b, r + 1) trials of round r are promoted and resumed
 * from epochs(b, r) to epochs(b, r + 1); the others stop.
 *
 * keras-tuner evaluates log_factor with Python's `math.log(x, base)`. JavaScript's Math.log differs from CPython's
 * by an ulp on some inputs (Math.log(81) / Math.log(3) is 4.000000000000001, Python's 4.0), and ceil(1 + log)
 * turns that ulp into a whole extra trial per round. `logBase` therefore returns the exact integer for an exact
 * power; elsewhere the log is at least ~1e-4 from an integer and both languages round the same way. Checked
 * against CPython's formula for every max_epochs in 1..2000 and factor in 2..10: identical.
 */

export interface HyperbandParameters {
  maxEpochs: number;
  factor: number;
  iterations: number;
}

export interface HyperbandRound {
  /** 0-based. */
  round: number;
  /** Trials trained in this round: size(b, r). */
  trials: number;
  /** Cumulative epochs each of them has after this round: epochs(b, r). */
  epochs: number;
}

export interface HyperbandBracket {
  /** 0-based Hyperband iteration. */
  iteration: number;
  /** keras-tuner's bracket_num b: b + 1 rounds; b = 0 is random search at maxEpochs. */
  bracket: number;
  rounds: HyperbandRound[];
}

function checkParameters({ maxEpochs, factor, iterations }: HyperbandParameters): void {
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new Error(`maxEpochs must be a whole number ≥ 1, got ${maxEpochs}`);
  if (!Number.isInteger(factor) || factor < 2) throw new Error(`factor must be a whole number ≥ 2, got ${factor}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iterations must be a whole number ≥ 1, got ${iterations}`);
}

/** log_base(x) for whole numbers, exact when x is a power of base (see the module comment). */
export function logBase(x: number, base: number): number {
  let power = 1;
  let exponent = 0;
  while (power < x) {
    power *= base;
    exponent += 1;
  }
  return power === x ? exponent : Math.log(x) / Math.log(base);
}

/** keras-tuner `_get_num_brackets`: repeated float division, as there (not a log), so the count matches. */
export function bracketCount(maxEpochs: number, factor: number): number {
  let epochs = maxEpochs;
  let brackets = 0;
  while (epochs >= 1) {
    epochs /= factor;
    brackets += 1;
  }
  return brackets;
}

/** keras-tuner `_get_size`. */
export function roundSize(parameters: HyperbandParameters, bracket: number, round: number): number {
  const { maxEpochs, factor } = parameters;
  const lastBracketEndSize = Math.ceil(1 + logBase(maxEpochs, factor));
  return Math.ceil((lastBracketEndSize / (bracket + 1)) * factor ** (bracket - round));
}

/** keras-tuner `_get_epochs`. */
export function roundEpochs(parameters: HyperbandParameters, bracket: number, round: number): number {
  return Math.ceil(parameters.maxEpochs / parameters.factor ** (bracket - round));
}

/** Every bracket in the order keras-tuner runs them. */
export function hyperbandSchedule(parameters: HyperbandParameters): HyperbandBracket[] {
  checkParameters(parameters);
  const brackets = bracketCount(parameters.maxEpochs, parameters.factor);
  const schedule: HyperbandBracket[] = [];
  for (let iteration = 0; iteration < parameters.iterations; iteration++) {
    for (let bracket = brackets - 1; bracket >= 0; bracket--) {
      const rounds = Array.from({ length: bracket + 1 }, (_, round) => ({
        round, trials: roundSize(parameters, bracket, round), epochs: roundEpochs(parameters, bracket, round),
      }));
      schedule.push({ iteration, bracket, rounds });
    }
  }
  return schedule;
}

/**
 * Epochs the schedule trains when promoted trials resume (each round adds only epochs(r) − epochs(r − 1) per
 * trial) — the budget to compare with a grid's rates × repeats × epochs.
 */
export function scheduleEpochs(schedule: readonly HyperbandBracket[]): number {
  return schedule.reduce((total, { rounds }) => total + rounds.reduce(
    (sum, { trials, epochs }, index) => sum + trials * (epochs - (index > 0 ? rounds[index - 1]!.epochs : 0)), 0), 0);
}
