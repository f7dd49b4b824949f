/**
 * R17(e) / R18(e) advertising: the promises an institution's advertising must not make (guaranteed
 * pass, refund if failed, guaranteed title, job or salary) and training loans, found in the text
 * however it is disguised (full-width forms, separators between characters, traditional characters).
 *
 * Pure: no I/O, no clock.
 */
import type { Kind } from '../kinds.js';
import {
  ADVERTISING_CATEGORIES,
  ConductInputError,
  advertisingPolicy,
  type AdvertisingCategory,
  type AdvertisingCategoryPolicy,
  type AdvertisingClause,
} from './policy.js';
import { allMatches, escapeRegExp, longestAtPosition, normalizeText, originalSpan, type NormalizedMatch } from './normalize.js';

/** One advertised promise found: `matched` is `text.slice(start, end)` of the original text, as written. */
export interface AdvertisingHit {
  /** The promise's canonical wording (advertisingPolicy), e.g. '不过退费' for 考试未通过，全额退款. */
  phrase: string;
  category: AdvertisingCategory;
  /** R17(e) for a training institution, R18(e) (false advertising) for an evaluation institution. */
  clause: AdvertisingClause;
  /** UTF-16 index into the original text where the match starts (inclusive). */
  start: number;
  /** UTF-16 index into the original text where the match ends (exclusive). */
  end: number;
  matched: string;
}

interface Matcher {
  phrase: string;
  category: AdvertisingCategory;
  order: number;
  pattern: RegExp;
}

const MATCHERS: readonly Matcher[] = ADVERTISING_CATEGORIES.flatMap((category) => {
  const policy: AdvertisingCategoryPolicy = advertisingPolicy.categories[category];
  return policy.phrases.map(({ phrase, pattern }) => ({ phrase, category, pattern: new RegExp(pattern ?? escapeRegExp(phrase), 'gu') }));
}).map((matcher, order) => ({ ...matcher, order }));

/**
 * R17(e) 不得发布虚假广告、发放"培训贷"、夸大培训效果（如包过、不过退费、包职称、包就业、包年薪等）;
 * R18(e) 不得发布虚假广告.
 *
 * The text is searched after normalisation (normalizeText), phrase by phrase of advertisingPolicy;
 * overlaps are resolved as for R19 (the longest match at a position; one wholly inside a reported
 * one is dropped: 包高薪, not also 高薪). Hits are in order of position. Each names the clause it
 * breaks for `kind`. These are flags for a reviewer: see the Decisions in advertisingPolicy
 * (a published refund procedure, 退费办法, is not a hit).
 */
export function checkAdvertising(text: string, kind: Kind): AdvertisingHit[] {
  if (kind !== 'training' && kind !== 'evaluation') {
    throw new ConductInputError('kind', `expected "training" or "evaluation", got ${JSON.stringify(kind)}`);
  }
  const normalized = normalizeText(text);
  const matches: NormalizedMatch<Matcher>[] = [];
  for (const matcher of MATCHERS) matches.push(...allMatches(normalized.text, matcher.pattern, matcher));
  return longestAtPosition(matches, (a, b) => a.order - b.order).map(({ from, to, value }): AdvertisingHit => {
    const { start, end } = originalSpan(normalized, from, to);
    const clause = advertisingPolicy.categories[value.category].clause[kind];
    return { phrase: value.phrase, category: value.category, clause, start, end, matched: text.slice(start, end) };
  });
}
