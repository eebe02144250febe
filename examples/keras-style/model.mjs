// keras-tuner's build_model(hp) from the dropout article, in TF.js: Dropout Lab calls build(hp, tf, data) once with
// every default to find the space (units, dropout), then once per trial with the trial's values. `tf` is the
// trainer's @tensorflow/tfjs; `data` says the input shape, the class count and the task.
export function build(hp, tf, data) {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: data.inputShape }));
  model.add(tf.layers.dense({ units: hp.Int('units', 32, 256, { step: 32, default: 128 }), activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: hp.Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 }) }));
  model.add(tf.layers.dense({ units: data.classes, activation: 'softmax' }));
  return model;
}
