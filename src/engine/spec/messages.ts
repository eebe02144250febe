/** The words of the validator's messages: quoting, what a node is, the nearest allowed name, syntax errors. */
import { printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { SpecProblem } from '../../core/spec';
import { editDistance } from '../../core/text';

export function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/** What the text holds where a value was expected, e.g. `the string "x"`, `an array`. */
export function describe(node: Node): string {
  switch (node.type) {
    case 'string': return `the string ${quote(String(node.value))}`;
    case 'number': case 'boolean': return String(node.value);
    case 'null': return 'null';
    case 'array': return 'an array';
    case 'object': return 'an object';
    case 'property': return 'nothing'; // never a value: a property's value is its second child
  }
}

/** The closest candidate: a case-insensitive match, else within 2 edits (and fewer edits than the word has letters). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const caseMatch = candidates.find((c) => c.toLowerCase() === lower);
  if (caseMatch) return caseMatch;
  let best: string | undefined;
  let bestDistance = Math.min(2, word.length - 1);
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const guess = suggest(key, allowed);
  return guess !== undefined
    ? `unknown property ${quote(key)} — did you mean ${quote(guess)}?`
    : `unknown property ${quote(key)} (allowed: ${allowed.map((k) => quote(k)).join(', ')})`;
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

const SYNTAX_ERROR = 'syntax error: ';

/**
 * A problem of the JSON text itself (not of a spec): an editor's JSON support reports these too, so the extension can
 * leave them to it instead of showing each one twice.
 */
export function isSyntaxProblem(problem: SpecProblem): boolean {
  return problem.path === '' && problem.message.startsWith(SYNTAX_ERROR);
}

/** `body` is the parsed text: an unexpected character is quoted, and a text that stops short says so. */
export function syntaxMessage(error: ParseError, body: string): string {
  const code = printParseErrorCode(error.error);
  let what = SYNTAX_MESSAGES[code] ?? 'invalid JSON';
  if (code === 'InvalidSymbol') {
    const found = body.slice(error.offset, error.offset + Math.min(error.length, 20));
    what += ` ${quote(found)}${found.startsWith("'") ? ': strings and property names take double quotes' : ''}`;
  } else if (error.offset >= body.trimEnd().length && code !== 'UnexpectedEndOfComment') {
    what = `the text ends too early: ${what}`;
  }
  return `${SYNTAX_ERROR}${what} (${code})`;
}
