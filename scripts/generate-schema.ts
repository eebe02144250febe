// Writes schemas/dropout.schema.json from the spec's rule table (src/engine/spec/jsonSchema.ts); `npm run build`
// runs it. The file is committed (package.json's jsonValidation points to it) and a unit test checks it is current.
//   node --import tsx scripts/generate-schema.ts            write it if it changed
//   node --import tsx scripts/generate-schema.ts --check    exit 1 if it is not what the rule table generates
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_PATH, specJsonSchemaText } from '../src/engine/spec/jsonSchema';

const file = join(__dirname, '..', SCHEMA_PATH);
const text = specJsonSchemaText();
let current: string | undefined;
try {
  current = readFileSync(file, 'utf8');
} catch {
  current = undefined;
}
if (current === text) {
  // Up to date: not rewritten, so the build does not touch the file.
} else if (process.argv.includes('--check')) {
  console.error(`${SCHEMA_PATH} is not what the rule table generates: run 'npm run build' (or node --import tsx scripts/generate-schema.ts)`);
  process.exit(1);
} else {
  writeFileSync(file, text);
  console.log(`wrote ${SCHEMA_PATH}`);
}
