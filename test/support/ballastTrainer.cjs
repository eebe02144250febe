// The real trainer (dist/trainer.js) which, when told to run the trial named in DROPOUT_LAB_BALLAST_TRIAL, also
// holds DROPOUT_LAB_BALLAST_MB of touched memory: a trial that outgrows its memory for the runner's limit to stop.
const path = require('node:path');

const trialId = process.env.DROPOUT_LAB_BALLAST_TRIAL;
const megabytes = Number(process.env.DROPOUT_LAB_BALLAST_MB ?? 0);
const held = [];
process.on('message', (message) => {
  if (message && message.type === 'run' && message.trial && message.trial.id === trialId) {
    held.push(Buffer.alloc(megabytes * 2 ** 20, 1)); // filled, so every page is resident
  }
});
require(path.join(__dirname, '..', '..', 'dist', 'trainer.js'));
