/**
 * Incident policy (rules.md R11 item (6), and the R20 Decision on escalation read for incidents):
 * what counts as an incident, who hears of it, by when the departments acknowledge it and the
 * institution files its follow-up report, the reminders, and the escalation of an overdue follow-up
 * report. Pure data and plain functions: a ministry's change of policy is a change here.
 *
 * R11 (6): "incidents (discipline breaches, leaks) handled at once, recorded, and reported to local
 * HR, the industry department and the national group". Only evaluation institutions carry this
 * obligation (R11), so only the holder of an active evaluation listing reports one.
 */
import { escalationTarget, type Assignee, type Principal, type Unit } from '../actors.js';
import type { Offset } from '../calendar/deadline.js';
import type { Kind } from '../kinds.js';
import { policy, type StepPolicy } from '../policy.js';

/** R11 (6): the kinds of incident an evaluation institution reports, with their Chinese labels. */
export const INCIDENT_CATEGORIES = {
  /** 考试违纪违规: a candidate's or an invigilator's breach of exam discipline. */
  disciplineBreach: '考试违纪违规',
  /** 试题（题库）泄露: an item or the item bank leaked (R11 secure item writing and item bank). */
  itemLeak: '试题泄露',
  /** 组织作弊: organised cheating. */
  cheatingOrganised: '组织作弊',
  /** 系统故障: a failure of the assessment platform or the site (power, network, monitoring). */
  systemFailure: '系统故障',
  /** 其他突发事件: any other incident. */
  other: '其他突发事件',
} as const;
export type IncidentCategory = keyof typeof INCIDENT_CATEGORIES;
export const INCIDENT_CATEGORY_CODES = Object.keys(INCIDENT_CATEGORIES) as IncidentCategory[];

export const incidentPolicy = {
  rule: 'R11',
  /**
   * R11 (6) "reported to local HR, the industry department and the national group": each of them
   * acknowledges the report by the end of the next working day; reminded at 09:00 the day before the
   * due day (a reminder that would fall before the report itself is skipped).
   */
  acknowledgement: { rule: 'R11', due: { workingDays: 1 }, reminders: [{ calendarDays: -1 }] } satisfies StepPolicy,
  /**
   * R11 (6) "handled at once, recorded": the institution files a follow-up report (what was done,
   * with what result) within 10 working days of the report, reminded at 09:00 the day before.
   * `REQUEST_MORE` sets a new due date of `moreWorkingDays.default` working days unless local HR sets another.
   */
  followUp: { rule: 'R11', due: { workingDays: 10 }, reminders: [{ calendarDays: -1 }] } satisfies StepPolicy,
  moreWorkingDays: { default: 10, min: 1, max: 30 },
  /** Local HR reviews each version of the follow-up report within this (a task with a due date). */
  review: { workingDays: 5 } satisfies Offset,
  /**
   * R20 Decision, read for incidents: an overdue follow-up report escalates one level up from local
   * HR (rules/actors.ts `escalationTarget`: the national group for a provincial department); still
   * overdue this long after, it escalates a second level.
   */
  secondLevelAfter: { workingDays: 5 } satisfies Offset,
  escalationRule: 'R20 Decision',
  reminderTime: policy.reminderTime,
} as const;

export type IncidentPolicy = typeof incidentPolicy;

/** What an incident is about: the listing, as the directory has it. */
export interface IncidentListing {
  kind: Kind;
  status: string;
  institution: { id: string; province: string };
  recommender: Unit;
  organiser: Unit;
}

/** Why a report is refused: not this principal's to make (Forbidden), or not now (InvalidState). */
export interface IncidentRefusal {
  code: 'Forbidden' | 'InvalidState';
  reason: string;
  rule: string;
}

/**
 * R11: only evaluation institutions carry the incident obligation, so only the holder institution of
 * an active (valid or lapsing) evaluation listing reports an incident about it. Null when allowed.
 */
export function reportingAuthority(p: Principal, listing: IncidentListing): IncidentRefusal | null {
  const forbidden = (reason: string): IncidentRefusal => ({ code: 'Forbidden', reason, rule: 'R11' });
  if (p.role !== 'institution') return forbidden(`only the institution reports its incidents (R11); ${p.role} cannot`);
  if (p.unit !== `institution:${listing.institution.id}`) return forbidden(`${p.unit} does not hold this listing`);
  if (listing.kind !== 'evaluation') return forbidden(`incidents are reported by evaluation institutions (R11); this is a ${listing.kind} listing`);
  if (listing.status !== 'valid' && listing.status !== 'lapsing') {
    return { code: 'InvalidState', reason: `the listing is ${listing.status}: incidents are reported for active listings`, rule: 'R11' };
  }
  return null;
}

/** R11 (6) "local HR": the HR department of the institution's province. */
export const localHrOf = (institutionProvince: string): Unit => `province:${institutionProvince}` as Unit;

/** R11 (6) "the industry department": the listing's recommender when it is one, else the listing's organiser. */
export const industryDepartmentOf = (listing: Pick<IncidentListing, 'recommender' | 'organiser'>): Unit =>
  listing.recommender.startsWith('industry:') ? listing.recommender : listing.organiser;

/** R11 (6): the departments that hear of an incident at once and acknowledge it — local HR, the industry department, the national group (each once). */
export function reportedTo(listing: Pick<IncidentListing, 'recommender' | 'organiser' | 'institution'>): Unit[] {
  return [...new Set<Unit>([localHrOf(listing.institution.province), industryDepartmentOf(listing), 'national'])];
}

/**
 * R20 Decision: the escalation ladder of an overdue follow-up report — level 1 is local HR's next
 * level up, level 2 the level above that (for a provincial department: the national group's
 * officers, then its leaders).
 */
export function escalationLadder(localHr: Unit): Assignee[] {
  const first = escalationTarget({ role: 'officer', unit: localHr });
  return [first, escalationTarget(first)];
}
