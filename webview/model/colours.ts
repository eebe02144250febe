/**
 * Colours: CSS colour parsing and the sequential rate scale.
 *
 * The scale interpolates two theme colours in OKLCH (perceptually even lightness and chroma steps) along the
 * shorter hue arc, so yellow → purple passes through orange and magenta instead of a muddy RGB grey: rates read as
 * an ordered scale, low rates at one end, high at the other.
 */
import type { DropoutConfig } from '../../src/core/dropoutConfig';
import { colourDimension, colourValueOf, dimensionsOf, type AxisKind, type Dimension } from './dimensions';

export interface Rgb {
  /** 0 … 255 each. */
  r: number;
  g: number;
  b: number;
}

export function parseCssColour(text: string | undefined): Rgb | undefined {
  const value = text?.trim().toLowerCase() ?? '';
  const hex = /^#([0-9a-f]{3,8})$/.exec(value)?.[1];
  if (hex && (hex.length === 3 || hex.length === 4)) {
    return { r: parseInt(hex[0] + hex[0], 16), g: parseInt(hex[1] + hex[1], 16), b: parseInt(hex[2] + hex[2], 16) };
  }
  if (hex && (hex.length === 6 || hex.length === 8)) {
    return { r: parseInt(hex.slice(0, 2), 16), g: parseInt(hex.slice(2, 4), 16), b: parseInt(hex.slice(4, 6), 16) };
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(value);
  if (rgb) return { r: clampByte(Number(rgb[1])), g: clampByte(Number(rgb[2])), b: clampByte(Number(rgb[3])) };
  return undefined;
}

export function toCss({ r, g, b }: Rgb, alpha = 1): string {
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function toHex({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

function clampByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}

// ---------------------------------------------------------------- OKLab (Björn Ottosson, 2020)

interface Oklch {
  l: number;
  c: number;
  /** Radians. */
  h: number;
}

/** An sRGB channel (0 … 255) as linear light (0 … 1). */
export const toLinear = (channel: number): number => {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const fromLinear = (c: number): number => clampByte(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.max(0, c) ** (1 / 2.4) - 0.055));

function toOklch(colour: Rgb): Oklch {
  const r = toLinear(colour.r), g = toLinear(colour.g), b = toLinear(colour.b);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  return { l: L, c: Math.hypot(A, B), h: Math.atan2(B, A) };
}

function fromOklch({ l: L, c, h }: Oklch): Rgb {
  const A = c * Math.cos(h), B = c * Math.sin(h);
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3;
  return {
    r: fromLinear(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    g: fromLinear(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    b: fromLinear(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  };
}

/** The colour a fraction t (0 … 1) of the way from `from` to `to`; t = 0 and t = 1 give the endpoints exactly. */
export function mixColours(from: Rgb, to: Rgb, t: number): Rgb {
  if (t <= 0) return { ...from };
  if (t >= 1) return { ...to };
  const a = toOklch(from), b = toOklch(to);
  // A grey has no hue of its own: borrow the other end's so the mix does not swing through an arbitrary one.
  const hueA = a.c < 1e-4 ? b.h : a.h;
  const hueB = b.c < 1e-4 ? a.h : b.h;
  let dh = hueB - hueA;
  if (dh > Math.PI) dh -= 2 * Math.PI;
  if (dh < -Math.PI) dh += 2 * Math.PI;
  return fromOklch({ l: a.l + (b.l - a.l) * t, c: a.c + (b.c - a.c) * t, h: hueA + dh * t });
}

/**
 * One colour per distinct value, placed on the scale by value (by its logarithm on a log axis): the lowest gets
 * `from`, the highest `to`.
 */
export function rateColours(rates: Iterable<number>, from: Rgb, to: Rgb, kind: AxisKind = 'linear'): Map<number, Rgb> {
  const distinct = [...new Set(rates)].sort((a, b) => a - b);
  const position = kind === 'log' ? Math.log10 : (value: number) => value;
  const low = position(distinct[0] ?? 1);
  const span = position(distinct[distinct.length - 1] ?? 1) - low;
  return new Map(distinct.map((rate) => [rate, mixColours(from, to, span > 0 ? (position(rate) - low) / span : 0)]));
}

/** The colours of a view's trials: by the values of one dimension (the hidden rate, or a hyperparameter; see colourDimension). */
export interface TrialColours {
  dimension?: Dimension;
  byValue: ReadonlyMap<number, Rgb>;
}

export const noColours: TrialColours = { byValue: new Map() };

export function trialColours(configs: readonly DropoutConfig[], from: Rgb, to: Rgb): TrialColours {
  const dimension = colourDimension(dimensionsOf(configs));
  if (!dimension) return noColours;
  return { dimension, byValue: rateColours(dimension.values as number[], from, to, dimension.kind) };
}

/** A configuration's colour; undefined when the view colours by a dimension it does not search. */
export function colourOf(colours: TrialColours, config: DropoutConfig): Rgb | undefined {
  const value = colourValueOf(config, colours.dimension);
  return value === undefined ? undefined : colours.byValue.get(value);
}
