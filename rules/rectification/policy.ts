/**
 * Rectification policy (rules.md R20.1–R20.2 and the R20 Decisions, R21): who may order, which rules
 * an order may cite, the deadline's reminders, the escalation ladder, the grace period and the
 * removal. Pure data and plain functions: a ministry's change of policy is a change here.
 */
import type { Offset } from '../calendar/deadline.js';
import { provinceOf, type Assignee, type Principal, type Unit } from '../actors.js';
import type { Kind } from '../kinds.js';
import { policy } from '../policy.js';

export const rectificationPolicy = {
  rule: 'R20.1',
  /**
   * The rules an order may cite: the prohibited conduct of the listing's kind (R17 training, R18
   * evaluation), certificate wording (R19), the building obligations (R10 training, R11 evaluation,
   * R12 both), the supervision duties (R14.1 plans, R14.2 annual reports) and "not working by these
   * measures" (R20.1).
   */
  citable: {
    training: ['R17(a)', 'R17(b)', 'R17(c)', 'R17(d)', 'R17(e)', 'R17(f)', 'R19', 'R10', 'R12', 'R14.1', 'R14.2', 'R20.1'],
    evaluation: ['R18(a)', 'R18(b)', 'R18(c)', 'R18(d)', 'R18(e)', 'R18(f)', 'R18(g)', 'R19', 'R11', 'R12', 'R14.1', 'R14.2', 'R20.1'],
  } satisfies Record<Kind, readonly string[]>,
  /** R20.1 "within a deadline": at least one working day, at most 90 working days, or a date up to a year ahead. */
  deadline: { minWorkingDays: 1, maxWorkingDays: 90, maxDaysAhead: 366 },
  /**
   * R16 "fix at once" (立即整改), read as: evidence due by the end of the next working day (the order
   * has to reach the institution, and the evidence has to be filed). No reminders.
   */
  immediate: { workingDays: 1 } satisfies Offset,
  /** R20 Decision: reminders at 7 days and 1 day before the deadline, at 09:00 Asia/Shanghai. */
  reminders: [{ calendarDays: -7 }, { calendarDays: -1 }] satisfies Offset[],
  reminderTime: policy.reminderTime,
  /** The ordering department reviews each version of the evidence within this (a task with a due date). */
  review: { workingDays: 5 } satisfies Offset,
  /** R20 Decision: the grace period after the escalation, before the removal decision task. */
  grace: { workingDays: 10 } satisfies Offset,
  /** R20 Decision: removal is published (R5.1) and starts the R9.3 bar; the listing case records both. */
  removalRule: 'R20.2',
} as const;

export type RectificationPolicy = typeof rectificationPolicy;

/** What an order is about: the listing, as the directory has it. */
export interface OrderedListing {
  kind: Kind;
  institution: { id: string; province: string };
  recommender: Unit;
  organiser: Unit;
}

/**
 * R20.1 "the superior industry department orders rectification"; R16 problems found by an inspection
 * get their order from the HR department that inspected. So an officer (or leader) of: the national
 * group (anywhere); the listing's recommending industry department; the provincial HR department of
 * the institution's province, or one of its localities. Returns why not, or null when allowed.
 */
export function orderingAuthority(p: Principal, listing: OrderedListing): string | null {
  if (p.role !== 'officer' && p.role !== 'leader') return `only officers and leaders order rectification; ${p.role} cannot`;
  if (p.unit === 'national') return null;
  if (p.unit.startsWith('industry:')) {
    return p.unit === listing.recommender ? null : `${p.unit} is not the industry department of this listing (${listing.recommender})`;
  }
  if (p.unit.startsWith('province:') || p.unit.startsWith('locality:')) {
    return provinceOf(p.unit as Unit) === listing.institution.province ? null : `${p.unit} has no authority over an institution of province ${listing.institution.province}`;
  }
  return `${p.unit} cannot order rectification`;
}

/**
 * R20 Decision escalation ladder: "the ordering department and the next level up (provincial HR,
 * then the national group)". An industry department's or a locality's order goes up to the
 * provincial HR department of the institution's province; a province's to the national group; the
 * national group's to its leaders.
 */
export function nextLevelUp(orderedBy: Unit, institutionProvince: string): Assignee {
  if (orderedBy.startsWith('industry:') || orderedBy.startsWith('locality:')) return { role: 'officer', unit: `province:${institutionProvince}` as Unit };
  if (orderedBy.startsWith('province:')) return { role: 'officer', unit: 'national' };
  return { role: 'leader', unit: 'national' };
}

/** The cited rules an order may not cite for this kind of listing (empty = all citable). */
export function uncitable(kind: Kind, rules: readonly string[]): string[] {
  const allowed: readonly string[] = rectificationPolicy.citable[kind];
  return rules.filter((r) => !allowed.includes(r));
}
