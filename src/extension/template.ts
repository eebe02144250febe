/** The file "New Dropout Experiment" writes: commented, valid, and quick enough to run at once. */
export function experimentTemplate(name: string): string {
  return `{
  // ${name}: one model per dropout rate, trained on two interleaved half-moons.
  // Hover any key for its documentation; Ctrl+Space lists what fits where.
  "name": ${JSON.stringify(name)},
  // moons | circles | spirals (synthetic, seeded), mnist (real digits), csv (a file next to this one)
  "dataset": { "type": "moons", "samples": 240, "noise": 0.3, "validationFraction": 0.5 },
  // dropoutStyle: "inverted" (Keras/TF.js: scale by 1/(1 − rate) while training) or
  // "standard" (Srivastava et al.: plain mask while training, W_test = p·W at test time)
  "model": { "hidden": [128, 128], "activation": "relu", "inputDropout": 0, "dropoutStyle": "inverted" },
  "training": { "epochs": 60, "batchSize": 16, "optimizer": "adam", "learningRate": 0.01, "seed": 1 },
  // Rates are DROP probabilities (Keras convention); the keep probability is p = 1 − rate.
  // A list [0, 0.25, 0.5] or a range like keras-tuner's Float: { "min": 0, "max": 0.8, "step": 0.1 }
  "sweep": { "rates": [0, 0.2, 0.4, 0.6], "repeats": 1 },
  // Monte-Carlo dropout: also score each model by the mean of T stochastic passes (0 = off)
  "evaluation": { "mcSamples": 10 }
}
`;
}
