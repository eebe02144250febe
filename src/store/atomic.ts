import * as fs from 'node:fs';

/** Writes through a temporary file and a rename, so a reader sees the old content or the new, never half. */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}
