/**
 * R16 random inspection (双随机一公开, "double random, one public") policy: every number the campaign
 * draw uses, in one place. A ministry's change of policy is a change here, not in the draw.
 *
 * The spec (rules.md R16) fixes only the principle: institutions drawn at random, inspectors drawn at
 * random, results published. The numbers below are our decisions, each stated where it is made.
 */
import { DRAW_ALGORITHM, RECUSAL_LOOKBACK_YEARS } from '../draw/index.js';

/** The listing statuses of the directory (machines/kit.ts DirectoryEntry.status, api/routes/directory.ts). */
export const LISTING_STATUSES = ['valid', 'lapsing', 'expired', 'removed', 'withdrawn'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/**
 * How many institutions a campaign draws: a fixed count, or a share of the eligible institutions with
 * a minimum count. Either way the result is capped at the number of eligible institutions.
 */
export type SampleSize = number | { share: number; minimum: number };

/**
 * Recusal (回避) grounds of an inspector for one institution, in the order they are checked.
 *  - `unit-is-institution`: the inspector's own unit is the institution;
 *  - `employed-by-institution`: works for the institution, or worked for it within the lookback;
 *  - `employed-by-related-organisation`: the same, for an organisation related to the institution
 *    (parent, subsidiary, branch, technical support unit: the relations R18(g) names).
 */
export const INSPECTION_RECUSAL_REASONS = ['unit-is-institution', 'employed-by-institution', 'employed-by-related-organisation'] as const;
export type InspectionRecusalReason = (typeof INSPECTION_RECUSAL_REASONS)[number];

/** Why a drawn institution did not get all its inspectors (never an error: the organiser acts on it). */
export const SHORTFALL_REASONS = [
  /** Fewer inspectors than needed are free of recusal for this institution. */
  'too-few-unrecused-inspectors',
  /** Enough inspectors are free of recusal, but the others already carry their maximum load. */
  'load-limit',
] as const;
export type ShortfallReason = (typeof SHORTFALL_REASONS)[number];

export const inspectionPolicy = {
  rule: 'R16',
  /** The ranking algorithm, shared with the R7.3 expert draw (rules/draw): HMAC-SHA256 ranks under a committed seed. */
  algorithm: DRAW_ALGORITHM,
  /** Only listings in force are inspected: `valid`, and `lapsing` (deemed abandoned but not yet expired, R9.2). */
  activeStatuses: ['valid', 'lapsing'] as readonly ListingStatus[],
  /**
   * Decision (ours): by default 5% of the eligible institutions, at least 5 (all of them when fewer
   * are eligible). The caller may pass a count or another share.
   */
  sampleSize: { share: 0.05, minimum: 5 } as SampleSize,
  /** Upper bound of a fixed count or a minimum, against typing errors. */
  maximumSampleCount: 10_000,
  inspectorsPerInstitution: {
    /** Decision (ours): two inspectors per institution by default. */
    default: 2,
    /**
     * At least two: an inspection can lead to a rectification order (R16, R20.1), and the
     * Administrative Penalty Law requires at least two enforcement officers (执法人员不得少于两人).
     */
    minimum: 2,
    maximum: 10,
  },
  recusal: {
    /** R7.3 Decisions, applied to inspectors as well: a tie within this many years before the draw date recuses. */
    lookbackYears: RECUSAL_LOOKBACK_YEARS,
    grounds: INSPECTION_RECUSAL_REASONS,
  },
  /**
   * Load spreading: an inspector takes at most ceil(seats / eligible inspectors) institutions, where
   * seats = drawn institutions × inspectors per institution.
   */
  loadCap: 'ceil(seats / eligible inspectors)',
} as const;

export type InspectionPolicy = typeof inspectionPolicy;

/** Invalid input to the campaign draw (bad seed, unknown jurisdiction, malformed listing...). `field` names it. */
export class InspectionInputError extends Error {
  override readonly name = 'InspectionInputError';
  readonly rule = 'R16';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
