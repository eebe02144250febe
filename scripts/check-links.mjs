// Checks that every relative link and #anchor in README.md and docs/*.md resolves: the file exists and, for a
// Markdown file, the anchor is one of its headings (GitHub's slugs). Links in code spans and fences are not links.
// External links (http:, https:, mailto:) are not fetched.
//
//   node scripts/check-links.mjs [FILE.md …]      exits 1 and lists the dangling links, if any
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = process.argv.length > 2
  ? process.argv.slice(2).map((file) => resolve(file))
  : [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name))];

/** The text outside fenced code blocks, line by line, with code spans blanked. */
function proseLines(text) {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length));
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(path) {
  const seen = new Map();
  const slugs = new Set();
  let fenced = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count ? `${base}-${count}` : base);
  }
  return slugs;
}

const problems = [];
let checked = 0;
for (const file of files) {
  proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
    for (const [, target] of line.matchAll(/!?\[(?:[^\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      checked += 1;
      const [path, anchor] = target.split('#');
      const resolved = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      const where = `${relative(root, file)}:${index + 1}`;
      if (!existsSync(resolved)) problems.push(`${where}: ${target}: no such file`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) problems.push(`${where}: ${target}: no such heading`);
    }
  });
}
for (const problem of problems) console.error(problem);
console.log(`${files.length} files, ${checked} relative links checked, ${problems.length} dangling`);
process.exit(problems.length ? 1 : 0);
