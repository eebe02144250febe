/**
 * Decoded image folders kept in the runs folder (`<runs>/.cache/datasets/`), so a sweep's trainers read floats
 * instead of decoding every image per trial: `<key>.f32` holds the pixels (float32, little-endian, HWC per image)
 * and `<key>.json` the header (shape, class names, images per class). The key names the folder's content hash and
 * the decoding options (engine/datasets/images.ts), so a changed folder writes a new entry and never reads an old one.
 * The header is written last: an entry without one, or whose pixels do not match it, is not there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DecodedImages, ImageCache } from '../engine/datasets/types';
import { writeFileAtomically } from './atomic';

const HEADER_VERSION = 1;

interface CacheHeader {
  version: number;
  key: string;
  shape: [number, number, number];
  classNames: string[];
  classCounts: number[];
}

export function imageCacheFiles(dir: string, key: string): { header: string; pixels: string } {
  return { header: path.join(dir, `${key}.json`), pixels: path.join(dir, `${key}.f32`) };
}

function isHeader(value: unknown, key: string): value is CacheHeader {
  const header = value as Partial<CacheHeader> | null;
  const counts = (list: unknown, length?: number): boolean =>
    Array.isArray(list) && (length === undefined || list.length === length) && list.every((n) => Number.isInteger(n) && n > 0);
  return typeof header === 'object' && header !== null && header.version === HEADER_VERSION && header.key === key && counts(header.shape, 3)
    && Array.isArray(header.classNames) && header.classNames.every((name) => typeof name === 'string')
    && counts(header.classCounts, header.classNames.length);
}

/** Float32 values must be little-endian on disk; every platform Node runs the trainer on is. */
function assertLittleEndian(): void {
  if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f) throw new Error('the dataset cache assumes a little-endian machine');
}

function readEntry(dir: string, key: string): DecodedImages | undefined {
  const files = imageCacheFiles(dir, key);
  let header: unknown;
  try {
    header = JSON.parse(fs.readFileSync(files.header, 'utf8'));
  } catch {
    return undefined; // absent, or written by something else: decode again
  }
  if (!isHeader(header, key)) return undefined;
  const [height, width, channels] = header.shape;
  const count = header.classCounts.reduce((sum, n) => sum + n, 0);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(files.pixels);
  } catch {
    return undefined;
  }
  if (bytes.length !== count * height * width * channels * 4) return undefined;
  assertLittleEndian();
  // A copy into its own buffer: a Buffer may sit at an offset that is not a multiple of 4.
  const pixels = new Float32Array(bytes.length / 4);
  new Uint8Array(pixels.buffer).set(bytes);
  return { shape: [height, width, channels], classNames: header.classNames, classCounts: header.classCounts, pixels };
}

function writeEntry(dir: string, key: string, images: DecodedImages): void {
  assertLittleEndian();
  fs.mkdirSync(dir, { recursive: true });
  const files = imageCacheFiles(dir, key);
  writeFileAtomically(files.pixels, new Uint8Array(images.pixels.buffer, images.pixels.byteOffset, images.pixels.byteLength));
  const header: CacheHeader = { version: HEADER_VERSION, key, shape: images.shape, classNames: images.classNames, classCounts: images.classCounts };
  writeFileAtomically(files.header, `${JSON.stringify(header)}\n`);
}

/** The cache in `dir` (created on first write). */
export function imageCache(dir: string): ImageCache {
  return { read: (key) => readEntry(dir, key), write: (key, images) => writeEntry(dir, key, images) };
}
