/**
 * R7.3 expert review: the panel's vote to recommend (投票推荐), counted per the R7.3 Decisions:
 * at least 2/3 of the panel must vote (rounded up), and a recommendation needs a simple majority of
 * the votes cast. The result is an important reference for the group, not binding (R7.3).
 *
 * Pure function: no I/O, no clock.
 */
import { SelectionInputError, selectionPolicy } from './policy.js';

export interface Vote {
  expertId: string;
  recommend: boolean;
  /** Optional overall-assessment score, within `selectionPolicy.panel.score`. */
  score?: number;
}

export interface Tally {
  /** Votes cast. */
  cast: number;
  /** Votes needed for a quorum: ceil(2/3 × panel size), 4 of 5. */
  required: number;
  quorate: boolean;
  yes: number;
  no: number;
  /** Quorate and yes > cast / 2. */
  recommended: boolean;
  /** Mean of the scores given, or null when no vote carries a score. */
  averageScore: number | null;
}

/** ceil(n × p / q) in integers, free of floating-point error. */
function ceilFraction(n: number, { numerator, denominator }: { numerator: number; denominator: number }): number {
  return Math.floor((n * numerator + denominator - 1) / denominator);
}

/** R7.3 Decision: votes needed for the panel to decide, ceil(2/3 × panel size). */
export function quorumOf(panelSize: number): number {
  checkPanelSize(panelSize);
  return ceilFraction(panelSize, selectionPolicy.panel.quorum);
}

function checkPanelSize(panelSize: number): void {
  if (!Number.isSafeInteger(panelSize) || panelSize < 1 || panelSize % 2 === 0) {
    throw new SelectionInputError('panelSize', `expected an odd positive integer (R7.3 Decision), got ${String(panelSize)}`);
  }
}

/**
 * R7.3 count a panel's votes.
 * @throws SelectionInputError when the panel size is not an odd positive integer, an expert votes
 * twice, there are more votes than panel members, or an expert id or score is invalid.
 */
export function tallyVotes(votes: readonly Vote[], panelSize: number): Tally {
  checkPanelSize(panelSize);
  const { majorityOfCast, score: range } = selectionPolicy.panel;
  const experts = new Set<string>();
  votes.forEach((v, i) => {
    if (typeof v.expertId !== 'string' || v.expertId === '') {
      throw new SelectionInputError(`/votes/${i}/expertId`, 'expected a non-empty expert id');
    }
    if (experts.has(v.expertId)) {
      throw new SelectionInputError(`/votes/${i}/expertId`, `expert ${v.expertId} has already voted; one vote per expert`);
    }
    experts.add(v.expertId);
    if (typeof v.recommend !== 'boolean') {
      throw new SelectionInputError(`/votes/${i}/recommend`, `expected true or false, got ${JSON.stringify(v.recommend)}`);
    }
    if (v.score !== undefined && (!Number.isFinite(v.score) || v.score < range.min || v.score > range.max)) {
      throw new SelectionInputError(`/votes/${i}/score`, `expected a score from ${range.min} to ${range.max}, got ${String(v.score)}`);
    }
  });
  if (votes.length > panelSize) {
    throw new SelectionInputError('/votes', `${votes.length} votes for a panel of ${panelSize}`);
  }

  const cast = votes.length;
  const required = ceilFraction(panelSize, selectionPolicy.panel.quorum);
  const quorate = cast >= required;
  const yes = votes.filter((v) => v.recommend).length;
  const no = cast - yes;
  // R7.3 Decision: a simple majority of the votes cast (yes > cast / 2), and only when quorate.
  const recommended = quorate && yes * majorityOfCast.denominator > cast * majorityOfCast.numerator;
  const scores = votes.flatMap((v) => (v.score === undefined ? [] : [v.score]));
  const averageScore = scores.length === 0 ? null : scores.reduce((s, x) => s + x, 0) / scores.length;
  return { cast, required, quorate, yes, no, recommended, averageScore };
}
