/**
 * Selection policy (rules.md R6–R9.3 and their Decisions): every threshold the selection rules use,
 * as data. A ministry's change of policy is a change here, not in the functions that read it.
 *
 * Pure data (plus the input error the selection functions throw): no I/O, no clock.
 */
import type { Offset } from '../calendar/index.js';

/** R7.0 / R8.2 applicant categories. A category not listed for a kind ranks with `other`. */
export const PRIORITY_CATEGORIES = [
  'nationalStandardDeveloper',
  'continuingEducationBase',
  'industryOrganisation',
  'leadingEnterprise',
  'other',
] as const;
export type PriorityCategory = (typeof PRIORITY_CATEGORIES)[number];

export const selectionPolicy = {
  eligibility: {
    /**
     * R6.1: the registered scope (三定方案 / 法人登记证书 / 营业执照 business scope) includes training,
     * continuing education, examination or appraisal. Matched case-insensitively as substrings of
     * the NFKC-normalised scope text, so Chinese text (主要从事职业技能培训) matches too.
     */
    registeredScopeKeywords: [
      { term: 'training', match: ['training', '培训'] },
      { term: 'continuing education', match: ['continuing education', '继续教育'] },
      { term: 'examination', match: ['examination', '考试'] },
      { term: 'appraisal', match: ['appraisal', 'evaluation', '鉴定', '评价'] },
    ],
    /** R6.3 配有专职工作人员: the regulation names no number; at least this many full-time staff. */
    minimumFullTimeStaff: 1,
    /** R6.3 稳定的师资（或考评员、质量督导员，含兼职）: at least this many, part-time included. */
    minimumFaculty: 1,
    /** R6.4: at least 5 years of experience training or assessing technical personnel. */
    minimumYearsOfExperience: 5,
    /**
     * R6.4 年培训或考核技术技能人员2000人次以上的规模.
     * Decision: `measure: 'each'` — every one of the last `yearsConsidered` full calendar years must
     * reach the minimum. The regulation says 年均 (annual average) where it means an average (R9.2),
     * and does not here: it asks for an annual scale. `'average'` is the alternative reading.
     * Three years, like the 近3年 report of a renewal (R9.1).
     */
    personTimes: { minimumPerYear: 2000, yearsConsidered: 3, measure: 'each' as 'each' | 'average' },
  },
  intake: {
    /**
     * R7.2 不得多渠道重复申报同一职业. An application in any status not listed here is active and
     * blocks a new application for the same occupation in the same round through any channel.
     * Decision: a closed (withdrawn or rejected) application still binds the occupation to its
     * channel for the rest of the round: a new application through the same recommender is
     * allowed, one through another recommender is rejected (no channel shopping after a weak start).
     */
    closedStatuses: ['withdrawn', 'rejected'] as readonly string[],
    closedApplicationBindsChannel: true as boolean,
  },
  panel: {
    /** R7.3 Decision: 5 experts by default; must be odd. */
    size: 5,
    /** R7.3 Decision: at least 2/3 of the panel must vote (rounded up: 4 of 5). */
    quorum: { numerator: 2, denominator: 3 },
    /** R7.3 Decision: recommended when yes votes are more than 1/2 of the votes cast. */
    majorityOfCast: { numerator: 1, denominator: 2 },
    /** The overall-assessment score a member may give with the vote (not fixed by the regulation). */
    score: { min: 0, max: 100 },
  },
  recusal: {
    /** R7.3 Decision: excluded when working, or having worked in the last 3 years, for the applicant or its recommender. */
    lookbackYears: 3,
  },
  /** R7.4: public notice of the proposed list, 5 working days (Decision: counted from the day after publication). */
  publicNotice: { workingDays: 5 } satisfies Offset,
  /** R9.3: after a deemed abandonment (or a removal, R20 Decision) no new application for 3 years. */
  reapplicationBar: { years: 3 },
  /**
   * R7.0 (evaluation) and R8.2 (training) priority, as ranked tiers (first = highest).
   * Decision: industry organisations and leading enterprises share a tier, because the text lists
   * them together (行业组织、龙头企业); split the tier to rank one above the other.
   */
  priority: {
    evaluation: [['nationalStandardDeveloper'], ['industryOrganisation', 'leadingEnterprise'], ['other']],
    training: [['continuingEducationBase'], ['industryOrganisation', 'leadingEnterprise'], ['other']],
  } satisfies Record<'evaluation' | 'training', readonly (readonly PriorityCategory[])[]>,
} as const;

export type SelectionPolicy = typeof selectionPolicy;

/**
 * Thrown for invalid input to the selection functions (a bad panel size, a duplicate vote, a round
 * whose window ends before it opens...), as opposed to a rule the applicant fails. `field` names the
 * offending input (a JSON pointer such as `/votes/2/expertId`), so the API can map it to a 400.
 */
export class SelectionInputError extends Error {
  override readonly name = 'SelectionInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
