/**
 * Text normalisation for the R19 certificate-wording and R17(e) / R18(e) advertising searches:
 * NFKC, no whitespace, invisible characters or separators, simplified characters, lower case, with
 * a map from every normalised UTF-16 unit back to the original text, so that a match in the
 * normalised text is reported at its place in the original (normalisationPolicy).
 *
 * Pure: no I/O, no clock. The OpenCC converters are built on first use and each character's
 * conversion is memoised (the same answer every time).
 */
import { Converter } from 'opencc-js/t2cn';
import { normalisationPolicy } from './policy.js';

/** A normalised text: `starts[i]`/`ends[i]` are the original UTF-16 span that produced `text[i]`. */
export interface NormalizedText {
  /** The text as searched: NFKC, simplified, lower case, without ignorable characters. */
  text: string;
  /** For each UTF-16 unit of `text`, where its original character starts in the input (inclusive). */
  starts: readonly number[];
  /** For each UTF-16 unit of `text`, where its original character ends in the input (exclusive). */
  ends: readonly number[];
}

/** A span of the original text, UTF-16 indices: `start` inclusive, `end` exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

/** Whitespace, format (zero-width space, joiners, BOM, soft hyphen, bidi marks), default-ignorable, control, combining marks. */
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\p{Mn}\p{Me}]$/u;
const SEPARATORS: ReadonlySet<string> = new Set(normalisationPolicy.separators);

/** Whether a (normalised) character is skipped when searching: whitespace, invisible or a separator. */
export function isIgnorable(char: string): boolean {
  return SEPARATORS.has(char) || INVISIBLE.test(char);
}

type Convert = (text: string) => string;
let converters: readonly Convert[] | undefined;
const simplifiedCache = new Map<string, string>();

/**
 * One character (code point) in simplified form: OpenCC traditional → mainland simplified, then, for
 * a character that conversion leaves alone, Japanese shinjitai → simplified (専 → 专), then the
 * policy's extra variants (囯 → 国). One character at a time, so every output character comes from
 * exactly one input character (a whole-text conversion may rewrite phrases).
 */
export function toSimplified(char: string): string {
  const cached = simplifiedCache.get(char);
  if (cached !== undefined) return cached;
  converters ??= [Converter({ from: 't', to: 'cn' }), Converter({ from: 'jp', to: 'cn' })];
  let out = char;
  for (const convert of converters) {
    const converted = convert(char);
    if (converted !== char) {
      out = converted;
      break;
    }
  }
  out = normalisationPolicy.extraVariants[out] ?? out;
  simplifiedCache.set(char, out);
  return out;
}

/**
 * normalisationPolicy: the text as the conduct searches read it, with its map back to the
 * original. Each original code point is NFKC-normalised on its own; each resulting character is
 * dropped when ignorable, else converted to simplified and lower-cased. A character that expands
 * (㍿ → 株式会社) maps every resulting unit to the one original character.
 *
 * Example: '中　華-人民共和國' → '中华人民共和国', with text[1] ('华') mapping to the original [2, 3).
 */
export function normalizeText(original: string): NormalizedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const char of original) {
    const start = index;
    index += char.length;
    for (const part of char.normalize('NFKC')) {
      if (isIgnorable(part)) continue;
      const simplified = toSimplified(part).toLowerCase();
      text += simplified;
      for (let i = 0; i < simplified.length; i += 1) {
        starts.push(start);
        ends.push(index);
      }
    }
  }
  return { text, starts, ends };
}

/**
 * The original span of the normalised units [from, to) (to > from): from where the first one's
 * character starts to where the last one's ends. Ignorable characters between them are inside the
 * span, ones before or after are not.
 */
export function originalSpan(normalized: NormalizedText, from: number, to: number): TextSpan {
  const start = normalized.starts[from];
  const end = normalized.ends[to - 1];
  if (start === undefined || end === undefined || to <= from) {
    throw new RangeError(`internal: normalised span [${from}, ${to}) outside a text of ${normalized.text.length} units`);
  }
  return { start, end };
}

/** A match in the normalised text, before it is mapped back: [from, to) in normalised units. */
export interface NormalizedMatch<T> {
  from: number;
  to: number;
  value: T;
}

/**
 * Every match of `pattern` in `text`, one per start position (overlapping matches at different
 * positions are all found; at one position the regular expression's own choice is taken).
 * `pattern` must have the `g` flag.
 */
export function allMatches<T>(text: string, pattern: RegExp, value: T): NormalizedMatch<T>[] {
  const found: NormalizedMatch<T>[] = [];
  let from = 0;
  while (from <= text.length) {
    pattern.lastIndex = from;
    const match = pattern.exec(text);
    if (match === null) break;
    if (match[0].length > 0) found.push({ from: match.index, to: match.index + match[0].length, value });
    from = match.index + 1;
  }
  return found;
}

/**
 * The overlap decision (conductPolicy.certificate.overlaps): sorted by position, longest first at a
 * position; a match lying wholly inside a kept one is dropped; matches that only overlap are kept.
 * Ties (same span) keep the first in `tieOrder`.
 */
export function longestAtPosition<T>(matches: readonly NormalizedMatch<T>[], tieOrder: (a: T, b: T) => number): NormalizedMatch<T>[] {
  const sorted = [...matches].sort((a, b) => a.from - b.from || b.to - a.to || tieOrder(a.value, b.value));
  const kept: NormalizedMatch<T>[] = [];
  // Every kept match starts at or before the current one, so it lies wholly inside one iff it ends by the furthest end.
  let furthestEnd = -1;
  for (const match of sorted) {
    if (match.to <= furthestEnd) continue;
    kept.push(match);
    furthestEnd = match.to;
  }
  return kept;
}

/** A regular expression source that matches `literal` exactly. */
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
