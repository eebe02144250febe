/**
 * Draws examples/images/shapes/: a tiny image-folder dataset of generated pictures (no third-party images), one
 * subfolder per class. 16×16 grey outlines of a circle, a square or a triangle at a random place and size and a
 * random brightness, seeded, so the same files come out every time. Most are PNG; every tenth is a JPEG, so that the
 * example exercises both decoders.
 *
 *   node --import tsx scripts/make-example-images.ts [output folder]   (default examples/images/shapes)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { createRng, deriveSeed, type Rng } from '../src/engine/random';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];
export const IMAGE_SIDE = 16;
export const IMAGES_PER_CLASS = 60;
const SEED = 13;
const JPEG_EVERY = 10;

/** Grey levels 0…255, row-major, one image. */
type Canvas = Uint8Array;

function plot(canvas: Canvas, row: number, column: number, level: number): void {
  const r = Math.round(row);
  const c = Math.round(column);
  if (r >= 0 && r < IMAGE_SIDE && c >= 0 && c < IMAGE_SIDE) canvas[r * IMAGE_SIDE + c] = level;
}

/** A straight line, sampled finely enough that no pixel along it is skipped. */
function line(canvas: Canvas, from: [number, number], to: [number, number], level: number): void {
  const steps = Math.ceil(2 * Math.max(Math.abs(to[0] - from[0]), Math.abs(to[1] - from[1]))) + 1;
  for (let step = 0; step <= steps; step++) {
    const t = step / steps;
    plot(canvas, from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, level);
  }
}

/** A uniform integer in [low, high]. */
const between = (rng: Rng, low: number, high: number): number => low + rng.int(high - low + 1);

/** One outline: its size first, then a place where it fits whole, then its brightness. */
export function drawShape(shape: ShapeClass, rng: Rng): Canvas {
  const canvas: Canvas = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  const last = IMAGE_SIDE - 1;
  const level = between(rng, 150, 255);
  switch (shape) {
    case 'circle': {
      const radius = between(rng, 3, 6);
      const centreRow = between(rng, radius, last - radius);
      const centreColumn = between(rng, radius, last - radius);
      const points = Math.ceil(2 * Math.PI * radius * 2);
      for (let i = 0; i < points; i++) {
        const angle = (2 * Math.PI * i) / points;
        plot(canvas, centreRow + radius * Math.sin(angle), centreColumn + radius * Math.cos(angle), level);
      }
      break;
    }
    case 'square': {
      const side = between(rng, 5, 12);
      const top = between(rng, 0, last - side);
      const left = between(rng, 0, last - side);
      const [bottom, right] = [top + side, left + side];
      line(canvas, [top, left], [top, right], level);
      line(canvas, [top, right], [bottom, right], level);
      line(canvas, [bottom, right], [bottom, left], level);
      line(canvas, [bottom, left], [top, left], level);
      break;
    }
    case 'triangle': {
      const side = between(rng, 6, 13);
      const top = between(rng, 0, last - side);
      const left = between(rng, 0, last - side);
      const apex: [number, number] = [top, left + side / 2];
      line(canvas, apex, [top + side, left + side], level);
      line(canvas, [top + side, left + side], [top + side, left], level);
      line(canvas, [top + side, left], apex, level);
      break;
    }
  }
  return canvas;
}

function rgba(canvas: Canvas): Buffer {
  const data = Buffer.alloc(canvas.length * 4);
  canvas.forEach((level, pixel) => data.set([level, level, level, 255], pixel * 4));
  return data;
}

export function encodeImage(canvas: Canvas, format: 'png' | 'jpg'): Buffer {
  if (format === 'jpg') return jpeg.encode({ width: IMAGE_SIDE, height: IMAGE_SIDE, data: rgba(canvas) }, 95).data;
  const png = new PNG({ width: IMAGE_SIDE, height: IMAGE_SIDE });
  rgba(canvas).copy(png.data);
  return PNG.sync.write(png, { colorType: 0 });
}

/** Every picture of the dataset: its path under the output folder and its grey levels. */
export function exampleImages(): Array<{ name: string; format: 'png' | 'jpg'; canvas: Canvas }> {
  return SHAPE_CLASSES.flatMap((shape) => {
    const rng = createRng(deriveSeed(SEED, shape));
    return Array.from({ length: IMAGES_PER_CLASS }, (_, index) => {
      const format = index % JPEG_EVERY === JPEG_EVERY - 1 ? 'jpg' as const : 'png' as const;
      return { name: `${shape}/${String(index).padStart(3, '0')}.${format}`, format, canvas: drawShape(shape, rng) };
    });
  });
}

export function writeExampleImages(outputFolder: string): number {
  fs.rmSync(outputFolder, { recursive: true, force: true });
  const images = exampleImages();
  for (const { name, format, canvas } of images) {
    const file = path.join(outputFolder, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, encodeImage(canvas, format));
  }
  return images.length;
}

if (require.main === module) {
  const output = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'examples', 'images', 'shapes'));
  const count = writeExampleImages(output);
  process.stdout.write(`wrote ${count} images (${SHAPE_CLASSES.join(', ')}; ${IMAGE_SIDE}×${IMAGE_SIDE} grey) to ${output}\n`);
}
