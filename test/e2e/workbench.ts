// VS Code's UI in the browser: the workbench, quick inputs (command palette, Quick Open, dialogs), editors, the
// Problems panel, CodeLens, webviews and notifications, the colour theme, and a workbench per test file on a copy of
// a folder.
// Values that VS Code fills in late (a dialog's default path) are waited for, typed text is read back before it is
// used, and list rows are found by their text, not their index (lists re-render as results arrive).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { closeBrowser, openBrowser, screenshotOnFailure } from './browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from '../../scripts/e2e/codeServer';
import { poll, sleep } from '../../scripts/e2e/wait';

/** Waits until the workbench is laid out and its extension host is up (the status bar has items). */
export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.editor').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer has listed the folder: the server-side file service works.
  const restored = '.monaco-workbench .part.sidebar .monaco-list-row, .monaco-workbench .part.activitybar';
  await poll('the workbench to finish restoring', async () => (await page.locator(restored).count()) > 0, timeoutMs);
}

const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
const quickInputBox = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-box input');

function normalize(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

async function openQuickInput(page: Page, key: string, expectedPrefix: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    // A retry first closes whatever took the key instead (another quick input, a menu).
    if (attempt > 0) await page.keyboard.press('Escape');
    await page.keyboard.press(key);
    try {
      await quickInputBox(page).waitFor({ state: 'visible', timeout: 5_000 });
      // The palette's '>' arrives with the box; checked so that the query typed next replaces it, not joins it.
      const value = await quickInputBox(page).inputValue();
      if (value.startsWith(expectedPrefix)) return;
    } catch {
      /* retry */
    }
  }
  throw new Error(`the quick input did not open with ${key}`);
}

/** Waits until the open quick input's box holds `expected`; the timeout says what it held instead. */
async function untilQuickInputValue(page: Page, expected: string, what: string, timeoutMs: number): Promise<void> {
  let last = '';
  try {
    await poll(what, async () => (last = await quickInputBox(page).inputValue({ timeout: 2_000 })) === expected, timeoutMs, 100);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the box held ${JSON.stringify(last)}`);
  }
}

/**
 * Replaces the open quick input's value with `text` and checks that it stayed: VS Code may set the value itself
 * after the box appears (a file dialog's default folder), and its value then replaces or joins ours. Types again
 * until the box reads `text` twice, 300 ms apart.
 */
export async function fillQuickInput(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  const box = quickInputBox(page);
  let last = '';
  try {
    await poll(`the quick input to keep ${JSON.stringify(text)}`, async () => {
      last = await box.inputValue({ timeout: 2_000 });
      if (last !== text) {
        await box.fill(text, { timeout: 5_000 });
        return false;
      }
      await sleep(300);
      return (last = await box.inputValue({ timeout: 2_000 })) === text;
    }, timeoutMs, 50);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the box held ${JSON.stringify(last)}`);
  }
}

/**
 * Picks `folder` (which must exist) in code-server's folder dialog: a quick input holding a path, with `okLabel`
 * as its button. The dialog opens showing the parent of its default folder and fills in the default itself once
 * it has listed it (VS Code's simpleFileDialog); text typed before that is mixed into the default
 * (`/ws//ws/exported-model`: "The path does not exist"). So: wait for `defaultFolder`, then replace it.
 */
export async function chooseFolderInDialog(page: Page, folder: string, options: { defaultFolder: string; okLabel: string }): Promise<void> {
  await quickInputBox(page).waitFor({ state: 'visible', timeout: 20_000 });
  await untilQuickInputValue(page, `${options.defaultFolder}/`, `the folder dialog to show its default folder ${options.defaultFolder}/`, 20_000);
  await fillQuickInput(page, `${folder}/`);
  await quickInput(page).locator('.monaco-button', { hasText: options.okLabel }).click({ timeout: 10_000 });
  try {
    await quickInput(page).waitFor({ state: 'hidden', timeout: 15_000 });
  } catch {
    const value = await quickInputBox(page).inputValue({ timeout: 2_000 }).catch(() => '?');
    const message = normalize(await quickInput(page).locator('.quick-input-message').innerText({ timeout: 2_000 }).catch(() => ''));
    const saying = message ? `, saying "${message}"` : '';
    throw new Error(`the folder dialog did not close after '${options.okLabel}' on ${folder}/: it holds ${JSON.stringify(value)}${saying}`);
  }
}

/** The open quick input's row whose label is exactly `label` (white space as VS Code renders it). */
function quickInputRow(page: Page, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s\\u00a0]+')}\\s*$`);
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/** Picks the row whose label is exactly `label` (or starts with it) in the open quick input, after typing `query`. */
async function pickQuickInputRow(page: Page, query: string, matches: (label: string) => boolean, what: string, timeoutMs: number): Promise<void> {
  await fillQuickInput(page, query);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  for (let attempt = 1; ; attempt++) {
    const label = await poll(
      what,
      async () => (await rows.locator('.label-name').allInnerTexts()).map(normalize).find(matches),
      timeoutMs,
      150,
    );
    // Located by its text when clicked, not by its index: the list re-renders while results arrive.
    await quickInputRow(page, label).click({ timeout: 10_000 });
    try {
      await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Runs a command by its palette title, e.g. 'View: Toggle Problems' or 'Dropout Lab: Show Results'. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await openQuickInput(page, 'F1', '>');
  await pickQuickInputRow(page, `>${title}`, (label) => label === title, `command '${title}' in the palette`, 20_000);
}

/**
 * Opens a workspace file with Quick Open (Ctrl+P) and waits for its tab to be active. The first file search of
 * a session starts the server's search service: about 6 s on this machine, hence the 45 s bound.
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const base = path.posix.basename(relativePath);
  await openQuickInput(page, 'Control+P', '');
  await pickQuickInputRow(page, relativePath, (label) => label === base, `'${relativePath}' in Quick Open`, 45_000);
  await activeTab(page, base).waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 20_000 });
}

/** The active tab of the active editor group, when its label is `label` (a file may be open in several groups). */
export function activeTab(page: Page, label: string): Locator {
  return page.locator('.part.editor .editor-group-container.active .tabs-container .tab.active')
    .filter({ has: page.locator('.label-name', { hasText: label }) });
}

const visibleTextEditor = '.part.editor .editor-group-container .monaco-editor .editor-scrollable >> visible=true';

/**
 * Gives the keyboard back to the workbench (keys typed while a webview has focus never reach it) by clicking into
 * the first visible text editor, 40 px above its bottom edge: below the text of a short file, away from CodeLens
 * links (above lines) and the horizontal scrollbar. Not the centre of `.view-lines`: a long line makes that
 * element wider than its group, and its centre lies under the next group or a sash.
 */
export async function focusTextEditor(page: Page): Promise<void> {
  const editor = page.locator(visibleTextEditor).first();
  const box = await poll('a visible text editor', async () => (await editor.boundingBox({ timeout: 2_000 })) ?? undefined, 10_000);
  await editor.click({ position: { x: Math.min(40, box.width / 2), y: Math.max(box.height - 40, box.height / 2) }, timeout: 10_000 });
}

/** Keys typed while a webview has focus never reach the workbench: gives them back to a text editor, when one is open. */
export async function giveKeysToWorkbench(page: Page): Promise<void> {
  if ((await page.locator(visibleTextEditor).count()) > 0) await focusTextEditor(page);
}

/** The visible text of the active text editor (only the rendered lines: Monaco virtualizes). */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
  return lines.map((line) => line.replace(/\u00a0/g, ' ')).join('\n');
}

/** Text of a status-bar item by its id, e.g. 'status.editor.mode' (language mode). */
export async function statusBarItem(page: Page, id: string): Promise<string> {
  return normalize(await page.locator(`.part.statusbar [id="${id}"]`).innerText({ timeout: 10_000 }));
}

/** Opens the Problems panel and returns the text of its rows (file rows and marker rows). */
export async function readProblems(page: Page): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)').catch(() => runCommand(page, 'View: Toggle Problems (Errors, Warnings, Infos)'));
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
  }
  const rows = panel.locator('.monaco-list-row');
  return (await rows.allInnerTexts()).map(normalize).filter(Boolean);
}

/** Polls the Problems panel until a row matches `pattern`; returns all rows then. */
export async function waitForProblem(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string[]> {
  let last: string[] = [];
  try {
    return await poll(
      `a problem matching ${pattern}`,
      async () => {
        last = await readProblems(page);
        return last.some((row) => pattern.test(row)) ? last : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; Problems rows: ${JSON.stringify(last)}`);
  }
}

/** The CodeLens links with `text` in the visible editors (e.g. /Run experiment/). Links only: not the separators. */
export function codeLens(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.editor .codelens-decoration a', { hasText: text });
}

/** Waits for the CodeLens with `text` and clicks it. */
export async function clickCodeLens(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const lens = codeLens(page, text).first();
  await lens.waitFor({ state: 'visible', timeout: timeoutMs });
  await lens.click();
}

/**
 * The content frame of a webview. VS Code nests two iframes: `iframe.webview` (the host page, on 127.0.0.1 in
 * code-server) and inside it `#active-frame` (the extension's HTML). `titleOrIndex` is either a title, matched
 * against the inner document's <title> or the outer iframe's title attribute, or — when exactly one webview is
 * visible — the label of an editor tab that is visible in its group; or an index among the visible webviews,
 * in DOM order.
 */
export async function webviewFrame(page: Page, titleOrIndex: string | number = 0, timeoutMs = 30_000): Promise<Frame> {
  return poll(
    `webview ${JSON.stringify(titleOrIndex)}`,
    async () => {
      const outers = page.locator('iframe.webview');
      const count = await outers.count();
      const visible: Frame[] = [];
      for (let i = 0; i < count; i++) {
        const outer = outers.nth(i);
        if (!(await outer.isVisible())) continue;
        const outerFrame = await (await outer.elementHandle({ timeout: 2_000 }))?.contentFrame();
        const innerHandle = await outerFrame?.locator('#active-frame').elementHandle({ timeout: 2_000 }).catch(() => null);
        const inner = await innerHandle?.contentFrame();
        if (!inner) continue;
        visible.push(inner);
        if (typeof titleOrIndex === 'string') {
          const outerTitle = (await outer.getAttribute('title')) ?? '';
          const innerTitle = await inner.title().catch(() => '');
          if (outerTitle === titleOrIndex || innerTitle === titleOrIndex || outerTitle.includes(titleOrIndex)) return inner;
        }
      }
      if (typeof titleOrIndex === 'number') {
        const frame = visible[titleOrIndex];
        if (frame) await frame.waitForLoadState('domcontentloaded', { timeout: 5_000 });
        return frame;
      }
      if (visible.length === 1) {
        const tabLabels = (await page.locator('.part.editor .editor-group-container .tab.active .label-name').allInnerTexts()).map(normalize);
        if (tabLabels.includes(titleOrIndex)) return visible[0];
      }
      return undefined;
    },
    timeoutMs,
    300,
  );
}

/** code-server on `workspace` with the .vsix installed, and a browser on its workbench. */
export interface Workbench {
  server: CodeServer;
  page: Page;
}

export async function openWorkbench(options: CodeServerOptions & { name: string }): Promise<Workbench> {
  const server = await startCodeServer(options);
  const page = await openBrowser(server.url);
  await screenshotOnFailure(page, `${options.name}-startup`, () => waitForWorkbench(page));
  return { server, page };
}

/** Closes what openWorkbench opened (either may be missing after a failed start) and removes the workspace copy. */
export async function closeWorkbench(workbench: Partial<Workbench>, workspace: string): Promise<void> {
  if (workbench.page) await closeBrowser(workbench.page);
  if (workbench.server) await workbench.server.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}

/** VS Code's two default themes: their labels in the theme picker, and the class they put on the workbench and on webviews. */
const themes = {
  light: { label: 'Light Modern', workbenchClass: 'vs', webviewClass: 'vscode-light' },
  dark: { label: 'Dark Modern', workbenchClass: 'vs-dark', webviewClass: 'vscode-dark' },
} as const;

/**
 * Switches VS Code's colour theme as a user does, with "Preferences: Color Theme" (code-server here does not pick
 * up an edit of settings.json on disk), and waits until the workbench shows it and, given a webview, until that
 * webview's body carries the theme's class and its charts have redrawn in it: the class change schedules a redraw
 * on the next animation frame (webview/charts/theme.ts: watchTheme), so two frames after the class is seen the
 * charts show the theme's colours.
 */
export async function switchTheme(page: Page, theme: keyof typeof themes, webview?: FrameRef): Promise<void> {
  const { label, workbenchClass, webviewClass } = themes[theme];
  await giveKeysToWorkbench(page);
  await openQuickInput(page, 'F1', '>');
  await fillQuickInput(page, '>Preferences: Color Theme');
  await quickInputRow(page, 'Preferences: Color Theme').click({ timeout: 20_000 });
  // The theme picker takes the palette's place in the same widget: picked from once it lists the themes.
  await quickInputRow(page, themes.light.label).waitFor({ state: 'visible', timeout: 20_000 });
  await pickQuickInputRow(page, label, (text) => text === label, `the theme ${label} in the picker`, 20_000);
  await poll(`the workbench to take the theme ${label}`, async () => ((await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '')
    .split(/\s+/).includes(workbenchClass), 20_000);
  if (!webview) return;
  // Page code as strings: this project's Node typings have no DOM.
  const hasTheme = `document.body.classList.contains(${JSON.stringify(webviewClass)})`;
  await poll(`the webview to take the theme ${webviewClass}`, async () => (await (await webview()).evaluate<boolean>(hasTheme)) || undefined, 20_000);
  await (await webview()).evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

/**
 * A webview's content frame, found afresh on every call: VS Code may replace a webview's iframe (while it loads,
 * when it moves), which detaches a Frame held from before.
 */
export type FrameRef = () => Promise<Frame>;

/** Notification toasts currently shown (their message text). */
export async function notifications(page: Page): Promise<string[]> {
  return (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(normalize);
}

/**
 * Copies `source` (a folder) to a fresh temp folder and returns it; remove it with fs.rmSync when done.
 * Leaves out `exclude` names at any depth (default: `.dropout`, the runs of local experiments).
 */
export function copyToTemp(source: string, options: { prefix?: string; exclude?: string[] } = {}): string {
  const exclude = new Set(options.exclude ?? ['.dropout']);
  const target = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? 'dropout-e2e-ws-'));
  fs.cpSync(source, target, { recursive: true, filter: (from) => !exclude.has(path.basename(from)) });
  return target;
}
