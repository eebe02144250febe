/** Chart colours and fonts from VS Code's theme variables, re-read when the theme changes. */
import { parseCssColour, toCss, type Rgb } from '../model/colours';

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  axis: string;
  /** Painted behind every chart, so a saved PNG looks as it does in the panel. */
  background: string;
  fontFamily: string;
  fontSize: number;
  /** The two ends of the sequential rate scale. */
  rateLow: Rgb;
  rateHigh: Rgb;
  /** Neutral line colour for aggregate lines whose points carry the rate colours. */
  neutral: Rgb;
  deterministic: Rgb;
  monteCarlo: Rgb;
  band: string;
  tooltip: { background: string; foreground: string; border: string };
  highContrast: boolean;
}

type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

function themeKind(): ThemeKind {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  return classes.contains('vscode-light') ? 'light' : 'dark';
}

/** VS Code's default chart colours, for when a variable is missing (a preview, an older VS Code). */
const fallbacks: Record<'light' | 'dark', Record<string, string>> = {
  dark: {
    foreground: '#cccccc', muted: '#9d9d9d', border: '#454545', background: '#1f1f1f', yellow: '#cca700', purple: '#b180d7', blue: '#3794ff', orange: '#d18616',
  },
  light: {
    foreground: '#3b3b3b', muted: '#717171', border: '#c8c8c8', background: '#ffffff', yellow: '#bf8803', purple: '#652d90', blue: '#1a85ff', orange: '#d18616',
  },
};

export function readTheme(): ChartTheme {
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const fallback = fallbacks[light ? 'light' : 'dark'];
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallbackValue: string): string => style.getPropertyValue(name).trim() || fallbackValue;
  const colour = (name: string, fallbackValue: string): Rgb => parseCssColour(read(name, fallbackValue)) ?? (parseCssColour(fallbackValue) as Rgb);
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const foreground = colour('--vscode-foreground', fallback.foreground);
  const border = read('--vscode-contrastBorder', '') || read('--vscode-editorWidget-border', '') || read('--vscode-panel-border', fallback.border);
  const borderRgb = parseCssColour(border) ?? (parseCssColour(fallback.border) as Rgb);
  return {
    foreground: toCss(foreground),
    muted: read('--vscode-descriptionForeground', fallback.muted),
    grid: toCss(borderRgb, highContrast ? 0.8 : 0.45),
    axis: toCss(borderRgb),
    background: read('--vscode-editor-background', fallback.background),
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(read('--vscode-font-size', '13px')) || 13,
    rateLow: colour('--vscode-charts-yellow', fallback.yellow),
    rateHigh: colour('--vscode-charts-purple', fallback.purple),
    neutral: foreground,
    deterministic: colour('--vscode-charts-blue', fallback.blue),
    monteCarlo: colour('--vscode-charts-orange', fallback.orange),
    band: toCss(foreground, highContrast ? 0.25 : 0.12),
    tooltip: {
      background: read('--vscode-editorHoverWidget-background', fallback.background),
      foreground: read('--vscode-editorHoverWidget-foreground', toCss(foreground)),
      border: read('--vscode-editorHoverWidget-border', fallback.border),
    },
    highContrast,
  };
}

/** VS Code swaps the body's theme class (and the variables with it) when the user changes the colour theme. */
export function watchTheme(onChange: () => void): void {
  let current = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === current) return;
    current = document.body.className;
    onChange();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
