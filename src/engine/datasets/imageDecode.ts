/**
 * One PNG or JPEG file's bytes to RGBA pixels, with pure-JS decoders (pngjs, jpeg-js: no native code, no install
 * script). The format is told by the file's first bytes, not its name. Any failure is a DatasetError naming the file.
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { errorMessage } from '../../core/errors';
import { DatasetError } from './types';

export interface DecodedImage {
  width: number;
  height: number;
  /** 8-bit RGBA, row-major: 4 × width × height values. */
  rgba: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

export type ImageFormat = 'png' | 'jpeg';

export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const startsWith = (signature: number[]): boolean => signature.every((byte, index) => bytes[index] === byte);
  if (startsWith(PNG_SIGNATURE)) return 'png';
  if (startsWith(JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

/** An image over this many megapixels is refused rather than decoded: one such file could exhaust a trainer's memory. */
const MAX_MEGAPIXELS = 50;

/** A PNG's width × height from its header chunk (IHDR, right after the signature), before anything is inflated. */
function pngMegapixels(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.length >= 24 ? (view.getUint32(16) * view.getUint32(20)) / 1e6 : 0;
}

export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  const format = imageFormat(bytes);
  if (!format) throw new DatasetError('not a PNG or JPEG image (the folder may hold only images, one subfolder per class)', { file });
  try {
    if (format === 'png') {
      if (pngMegapixels(bytes) > MAX_MEGAPIXELS) throw new Error(`larger than ${MAX_MEGAPIXELS} megapixels`);
      // pngjs gives RGBA for every colour type and scales 16-bit samples to 8 bits.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    // Not tolerant: a JPEG with missing blocks is an error, not an image with grey blocks.
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: MAX_MEGAPIXELS });
    return { width: image.width, height: image.height, rgba: image.data };
  } catch (error) {
    throw new DatasetError(`cannot decode this ${format === 'png' ? 'PNG' : 'JPEG'} file: ${errorMessage(error)}`, { file });
  }
}

/** Every pixel has red = green = blue (a grey PNG, a grey JPEG, or a colour file that holds only greys). */
export function isGrey(image: DecodedImage): boolean {
  const { rgba } = image;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  }
  return true;
}

/**
 * Writes the image into `target` at `offset` as HWC floats in [0, 1]: 1 channel takes red (= green = blue for a grey
 * image), 3 take RGB. Alpha is dropped, as Keras's `image_dataset_from_directory` does with color_mode "rgb".
 */
export function writePixels(image: DecodedImage, channels: 1 | 3, target: Float32Array, offset: number): void {
  const { rgba } = image;
  const pixels = image.width * image.height;
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let channel = 0; channel < channels; channel++) target[offset + pixel * channels + channel] = rgba[pixel * 4 + channel] / 255;
  }
}
