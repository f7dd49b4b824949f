/**
 * R19 certificate wording: the words a training or level certificate must not use, found in the
 * certificate's text however they are disguised (full-width or compatibility forms, spaces,
 * zero-width characters or separators between the characters, traditional characters), and the
 * images that a person must check for the national emblem or government logos.
 *
 * Pure: no I/O, no clock.
 */
import { conductPolicy, type ForbiddenCertificateWord } from './policy.js';
import { allMatches, escapeRegExp, longestAtPosition, normalizeText, originalSpan, type NormalizedMatch } from './normalize.js';

/** One forbidden word found (R19): `matched` is `text.slice(start, end)` of the original text, as written. */
export interface CertificateWordHit {
  /** The forbidden word, as the measures list it (simplified). */
  word: ForbiddenCertificateWord;
  rule: 'R19';
  /** UTF-16 index into the original text where the match starts (inclusive). */
  start: number;
  /** UTF-16 index into the original text where the match ends (exclusive). */
  end: number;
  /** The original text of the match, e.g. '中 華' for 中华. */
  matched: string;
}

/** An image of the certificate: this service cannot read it, so a person checks it (R19 emblems and logos). */
export interface CertificateManualCheck {
  image: string;
  reason: 'needs manual check for emblems (R19)';
}

export interface CertificateWordingCheck {
  /** In order of position; empty when the text uses none of the words. */
  hits: CertificateWordHit[];
  /** One per image, in the order given. */
  manualChecks: CertificateManualCheck[];
}

const WORDS = conductPolicy.certificate.words;
const WORD_PATTERNS = WORDS.map((word) => ({ word, pattern: new RegExp(escapeRegExp(word), 'g') }));
const wordOrder = (a: ForbiddenCertificateWord, b: ForbiddenCertificateWord) => WORDS.indexOf(a) - WORDS.indexOf(b);

/**
 * R19 证书上不得使用"中华人民共和国""中国"…等字样，不得使用国徽、政府部门徽标等标识或图案.
 *
 * The text is searched after normalisation (normalizeText: NFKC, no whitespace, zero-width
 * characters or separators, traditional → simplified), with no word segmentation: 中国 inside a
 * longer name (中国银行) is a hit, 国 家 is a hit, 国际 or 家庭 are not. Overlaps
 * (conductPolicy.certificate.overlaps): at each position only the longest word is reported, and a
 * word wholly inside a reported one is not (中华人民共和国 alone, not also 中华); words that only
 * overlap are both reported (全国家 → 全国 and 国家).
 *
 * Positions are UTF-16 indices into the original `text` (start inclusive, end exclusive): a match
 * spans from its first character to its last, with any separators between them, and
 * `text.slice(start, end) === matched`.
 *
 * @param images the certificate's images (name only): each yields a manual check for emblems.
 */
export function checkCertificateWording(text: string, images: readonly { name: string }[] = []): CertificateWordingCheck {
  const normalized = normalizeText(text);
  const matches: NormalizedMatch<ForbiddenCertificateWord>[] = [];
  for (const { word, pattern } of WORD_PATTERNS) matches.push(...allMatches(normalized.text, pattern, word));
  const hits = longestAtPosition(matches, wordOrder).map(({ from, to, value }): CertificateWordHit => {
    const { start, end } = originalSpan(normalized, from, to);
    return { word: value, rule: 'R19', start, end, matched: text.slice(start, end) };
  });
  const manualChecks = images.map(({ name }): CertificateManualCheck => ({ image: name, reason: conductPolicy.certificate.imageReason }));
  return { hits, manualChecks };
}
