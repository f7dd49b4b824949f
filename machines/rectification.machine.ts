/**
 * A rectification order (整改, R20.1–R20.2, R16, R21) against one listing, from the order to the
 * accepted evidence, or to removal from the directory.
 *
 * The ordering department cites the breached rules and orders the institution to rectify either
 * immediately (evidence due by the end of the next working day) or by a deadline (a date, or a
 * number of working days), with reminders 7 days and 1 day before it (R20 Decision). The
 * institution files evidence — every version kept — and the ordering department accepts or rejects
 * each within its review period. The institution's refusal, or no accepted evidence when the
 * deadline passes, escalates the order: overdue tasks for the ordering department and the next
 * level up (provincial HR, then the national group), and a grace period of 10 working days (late
 * evidence may still be accepted) that ends in a removal decision task for the listing's organiser.
 * Removal is sent to the listing case, which leaves the directory with a dated public entry and
 * records the R9.3 bar. Several orders may run against one listing: each is its own case, and tells
 * the listing case when it opens and closes; a listing that ends closes its open orders. A finding
 * may be referred to the competent authority as fraud (R21), annotated on the listing.
 */
import { assign, setup } from 'xstate';
import { type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline, DeadlineSpec } from '../rules/calendar/deadline.js';
import type { IsoDate } from '../rules/calendar/dates.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { nextLevelUp, rectificationPolicy } from '../rules/rectification/policy.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, NotificationRequest, ReminderRecord, SignalCaseRequest } from './kit.js';
import { deadlineIs, notifyParams, withDeadlines, withReminder } from './steps.js';

/** A breached rule and what was found (R20.1). */
export interface Breach {
  rule: string;
  finding: string;
}

export interface RectificationInput {
  caseId: string;
  /** The listing case the order is against, and its directory id. */
  listingCaseId: string;
  listingId: string;
  kind: Kind;
  institution: { id: string; name: string; province: string };
  occupation: Occupation;
  organiser: Unit;
  recommender: Unit;
  /** The ordering department (R20.1 industry department; R16 the inspecting HR department). */
  orderedBy: Unit;
  breaches: Breach[];
  /** R16: fix at once, or within a deadline (R20.1). */
  mode: 'immediate' | 'deadline';
  /** For `deadline`: the last day, or a number of working days from the order. */
  due?: { date: IsoDate } | { workingDays: number };
  /** The inspection finding the order came from (R16), if any. */
  source?: { campaignCaseId: string; institutionId: string };
  createdBy: Principal;
  createdAt: string;
}

export interface EvidenceVersion {
  version: number;
  text: string;
  attachments: string[];
  submittedAt: string;
  by: Principal;
  /** Filed after the escalation, during the grace period. */
  late: boolean;
  review?: { accepted: boolean; reason: string; by: Principal; at: string };
}

export type RectificationOutcome = 'rectified' | 'removed' | 'keptListing' | 'cancelled' | 'moot';

export interface RectificationContext extends RectificationInput {
  evidence: EvidenceVersion[];
  refusal?: { reason: string; by: Principal; at: string };
  escalation?: { at: string; cause: 'refused' | 'deadline' | 'rejectedLate'; to: Assignee[] };
  followUps: { level: number; note: string; by: Principal; at: string }[];
  referral?: { authority: string; note: string; by: Principal; at: string };
  decision?: { decision: 'remove' | 'keep'; reason: string; by: Principal; at: string };
  outcome?: { code: RectificationOutcome; reason: string; at: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
}

export type RectificationCommand =
  | { type: 'SUBMIT_EVIDENCE'; text: string; attachments?: string[] }
  | { type: 'REFUSE_RECTIFICATION'; reason: string }
  | { type: 'ACCEPT_EVIDENCE'; comments?: string }
  | { type: 'REJECT_EVIDENCE'; reason: string }
  | { type: 'RECORD_FOLLOW_UP'; level: number; note: string }
  | { type: 'DECIDE_REMOVAL'; reason: string }
  | { type: 'KEEP_LISTING'; reason: string }
  | { type: 'REFER_FRAUD'; authority: string; note: string }
  | { type: 'CANCEL_ORDER'; reason: string };

/** From the listing case: it ended (withdrawn, expired, removed by another order). */
export type RectificationSystemEvent = { type: 'listing.ended'; reason: string };

export type RectificationEvent = ((RectificationCommand | RectificationSystemEvent) & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

export const holderOf = (ctx: Pick<RectificationContext, 'institution'>): Assignee => ({ role: 'institution', unit: `institution:${ctx.institution.id}` as Unit });
export const orderingOfficer = (ctx: Pick<RectificationContext, 'orderedBy'>): Assignee => ({ role: 'officer', unit: ctx.orderedBy });
export const organiserOfficer = (ctx: Pick<RectificationContext, 'organiser'>): Assignee => ({ role: 'officer', unit: ctx.organiser });
/** R20 Decision: the overdue tasks go to the ordering department (level 1) and the next level up (level 2). */
export const escalationLevels = (ctx: Pick<RectificationContext, 'orderedBy' | 'institution'>): Assignee[] => [
  orderingOfficer(ctx),
  nextLevelUp(ctx.orderedBy, ctx.institution.province),
];

/** The order's deadline request: R16 immediate (next working day, no reminders) or R20.1 by a deadline, reminded 7 days and 1 day before. */
export function orderDeadline(ctx: Pick<RectificationContext, 'mode' | 'due' | 'createdAt'>): DeadlineRequest {
  const name = 'rectificationDue';
  const base = { name, rule: 'R20.1', time: 'endOfDay' as const };
  if (ctx.mode === 'immediate' || !ctx.due) return { due: { ...base, rule: 'R16', from: ctx.createdAt, offset: rectificationPolicy.immediate }, reminders: [] };
  const due: DeadlineSpec = 'date' in ctx.due ? { ...base, from: ctx.due.date, offset: { calendarDays: 0 } } : { ...base, from: ctx.createdAt, offset: { workingDays: ctx.due.workingDays } };
  return {
    due,
    reminders: rectificationPolicy.reminders.map((offset, i) => ({ name: `rectificationReminder${i + 1}`, offset, time: rectificationPolicy.reminderTime })),
  };
}

const orderName = (ctx: RectificationContext) => `${ctx.institution.name} — ${ctx.occupation.name} (${ctx.breaches.map((b) => b.rule).join(', ')})`;
const dueText = (ctx: RectificationContext) => {
  const d = ctx.deadlines.rectificationDue;
  return d ? `by 24:00 on ${d.date} (Asia/Shanghai)` : 'by the deadline';
};
const toListing = (ctx: RectificationContext, event: SignalCaseRequest['event']): SignalCaseRequest => ({ caseId: ctx.listingCaseId, event });

const rectificationSetup = setup({
  types: {
    context: {} as RectificationContext,
    events: {} as RectificationEvent,
    input: {} as RectificationInput,
  },
  actions: {
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    notify: (_, _params: NotificationRequest) => {},
    signalCase: (_, _params: SignalCaseRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    appendEvidence: assign({
      evidence: ({ context, event }, params: { late: boolean }) =>
        event.type === 'SUBMIT_EVIDENCE'
          ? [...context.evidence, { version: context.evidence.length + 1, text: event.text, attachments: event.attachments ?? [], submittedAt: event.at, by: event.actor, late: params.late }]
          : context.evidence,
    }),
    reviewEvidence: assign({
      evidence: ({ context, event }) => {
        if (event.type !== 'ACCEPT_EVIDENCE' && event.type !== 'REJECT_EVIDENCE') return context.evidence;
        const review = { accepted: event.type === 'ACCEPT_EVIDENCE', reason: event.type === 'REJECT_EVIDENCE' ? event.reason : (event.comments ?? ''), by: event.actor, at: event.at };
        return context.evidence.map((v, i) => (i === context.evidence.length - 1 ? { ...v, review } : v));
      },
    }),
    recordFollowUp: assign({
      followUps: ({ context, event }) => (event.type === 'RECORD_FOLLOW_UP' ? [...context.followUps, { level: event.level, note: event.note, by: event.actor, at: event.at }] : context.followUps),
    }),
    decide: assign({
      decision: ({ event }) =>
        event.type === 'DECIDE_REMOVAL' || event.type === 'KEEP_LISTING'
          ? { decision: event.type === 'DECIDE_REMOVAL' ? ('remove' as const) : ('keep' as const), reason: event.reason, by: event.actor, at: event.at }
          : undefined,
    }),
    endWith: assign({
      outcome: ({ event }, params: { code: RectificationOutcome }) => ({
        code: params.code,
        reason: 'reason' in event && typeof event.reason === 'string' ? event.reason : 'comments' in event && typeof event.comments === 'string' ? event.comments : '',
        at: event.at,
      }),
    }),
  },
  guards: {
    isOpen: ({ context }) => context.outcome === undefined,
    due: deadlineIs('rectificationDue'),
    reminder: ({ event }) => event.type === 'deadline.reached' && event.name.startsWith('rectificationReminder'),
    graceEnds: deadlineIs('graceEnds'),
    /** Rejected before the deadline passed: the institution may file again. */
    beforeDue: ({ context, event }) => {
      const d = context.deadlines.rectificationDue;
      return d !== undefined && 'at' in event && Date.parse(event.at) <= Date.parse(d.at);
    },
    openFollowUp: ({ context, event }) =>
      event.type === 'RECORD_FOLLOW_UP' && event.level >= 1 && event.level <= escalationLevels(context).length && !context.followUps.some((f) => f.level === event.level),
  },
});

/** R20.1 / R16 at the opening: the deadline and its reminders; the listing case hears of the order. */
const open = rectificationSetup.enqueueActions(({ context, enqueue }) => {
  enqueue({ type: 'requestDeadlines', params: orderDeadline(context) });
  enqueue({ type: 'signalCase', params: toListing(context, { type: 'rectification.opened', rules: context.breaches.map((b) => b.rule), orderedBy: context.orderedBy }) });
  enqueue({
    type: 'notify',
    params: notifyParams(
      [holderOf(context), { role: 'officer', unit: 'national' }, { role: 'officer', unit: `province:${context.institution.province}` as Unit }],
      'rectification.ordered',
      `Rectification ordered: ${orderName(context)}`,
      `${context.orderedBy} orders ${context.mode === 'immediate' ? 'immediate rectification (R16)' : 'rectification within a deadline (R20.1)'}: ` +
        `${context.breaches.map((b) => `${b.rule}: ${b.finding}`).join('; ')}. File the evidence of rectification; refusal or no accepted ` +
        `evidence at the deadline leads to escalation and removal from the directory (R20.2).`,
      'R20.1',
    ),
  });
});

/** R20 Decision: escalate — overdue tasks for the ordering department and the next level up; the grace period starts. */
const escalateFor = (cause: 'refused' | 'deadline' | 'rejectedLate') => rectificationSetup.enqueueActions(({ context, event, enqueue }) => {
  const params = { cause };
  const to = escalationLevels(context);
  enqueue.assign({ escalation: { at: event.at, cause: params.cause, to } });
  enqueue({
    type: 'requestDeadlines',
    params: { due: { name: 'graceEnds', rule: 'R20.2', from: event.at, offset: rectificationPolicy.grace, time: 'endOfDay' }, reminders: [] },
  });
  const why = params.cause === 'refused' ? 'the institution refused to rectify' : params.cause === 'deadline' ? `no accepted evidence ${dueText(context)}` : 'the evidence was rejected after the deadline';
  enqueue({
    type: 'notify',
    params: notifyParams(
      [...to, holderOf(context)],
      'rectification.escalated',
      `Overdue rectification: ${orderName(context)}`,
      `Escalated (R20 Decision): ${why}. After a grace period of ${describe(rectificationPolicy.grace)} the listing goes to a removal decision (R20.2); evidence filed and accepted before then closes the order.`,
      'R20.2',
    ),
  });
});

const describe = (o: { workingDays: number }) => `${o.workingDays} working days`;

/** The listing case hears how the order ended (a removal is its own event: the listing leaves the directory). */
const closeFor = (code: RectificationOutcome) => rectificationSetup.enqueueActions(({ context, event, enqueue }) => {
  const params = { code };
  enqueue({ type: 'endWith', params });
  if (params.code === 'moot') return; // the listing ended: it knows
  if (params.code === 'removed') {
    enqueue({ type: 'signalCase', params: toListing(context, { type: 'rectification.removed', reason: 'reason' in event ? String(event.reason) : '' }) });
  } else {
    enqueue({ type: 'signalCase', params: toListing(context, { type: 'rectification.closed', outcome: params.code }) });
  }
  enqueue({
    type: 'notify',
    params: notifyParams(
      [holderOf(context), orderingOfficer(context), ...(params.code === 'removed' ? [{ role: 'officer', unit: 'national' } as Assignee, organiserOfficer(context)] : [])],
      `rectification.${params.code}`,
      `Rectification ${params.code === 'removed' ? 'ended in removal' : params.code}: ${orderName(context)}`,
      params.code === 'removed'
        ? `The listing is removed from the directory (R20.2); the removal is published (R5.1) and the institution may not apply for ${context.occupation.code} for 3 years (R9.3).`
        : params.code === 'rectified'
          ? 'The evidence of rectification was accepted; the order is closed (R20.1).'
          : 'The order is closed without removal.',
      params.code === 'removed' ? 'R20.2' : 'R20.1',
    ),
  });
});

const refer = rectificationSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'REFER_FRAUD') return;
  enqueue.assign({ referral: { authority: event.authority, note: event.note, by: event.actor, at: event.at } });
  enqueue({ type: 'signalCase', params: toListing(context, { type: 'fraud.referred', authority: event.authority, note: event.note }) });
  enqueue({
    type: 'notify',
    params: notifyParams([{ role: 'officer', unit: 'national' }], 'rectification.fraudReferred', `Referred as fraud (R21): ${orderName(context)}`, `Referred to ${event.authority}: ${event.note}`, 'R21'),
  });
});

const remind = rectificationSetup.enqueueActions(({ context, enqueue }) => {
  enqueue('recordReminder');
  enqueue({
    type: 'notify',
    params: notifyParams(
      [holderOf(context)],
      'rectification.reminder',
      `Rectification due ${context.deadlines.rectificationDue?.date ?? ''}: ${orderName(context)}`,
      `File the evidence of rectification ${dueText(context)} (R20.1); without accepted evidence the order escalates and the listing goes to a removal decision (R20.2).`,
      'R20.1',
    ),
  });
});

export const rectificationMachine = rectificationSetup.createMachine({
  id: 'rectification',
  context: ({ input }) => ({ ...input, evidence: [], followUps: [], deadlines: {}, reminders: [] }),
  initial: 'ordered',
  entry: open,
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
    /** R21: fraud is referred to the competent authority; the listing case is annotated. */
    REFER_FRAUD: { guard: 'isOpen', actions: refer },
    /** The listing ended meanwhile (withdrawn, expired, removed under another order): nothing left to rectify. */
    'listing.ended': { guard: 'isOpen', target: '.closed', actions: { type: 'endWith', params: { code: 'moot' } } },
    /** The ordering department withdraws an order made in error. */
    CANCEL_ORDER: { guard: 'isOpen', target: '.closed', actions: closeFor('cancelled') },
  },
  states: {
    ordered: {
      description: 'R20.1 / R16: the institution rectifies and files evidence by the deadline; the ordering department reviews each version.',
      initial: 'awaitingEvidence',
      states: {
        awaitingEvidence: {
          on: {
            SUBMIT_EVIDENCE: { target: 'underReview', actions: [{ type: 'appendEvidence', params: { late: false } }, { type: 'requestDeadlines', params: ({ event }) => reviewRequest(event.at) }] },
            REFUSE_RECTIFICATION: {
              target: '#rectification.escalated',
              actions: [assign({ refusal: ({ event }) => (event.type === 'REFUSE_RECTIFICATION' ? { reason: event.reason, by: event.actor, at: event.at } : undefined) }), escalateFor('refused')],
            },
            'deadline.reached': [
              { guard: 'reminder', actions: remind },
              { guard: 'due', target: '#rectification.escalated', actions: escalateFor('deadline') },
            ],
          },
        },
        underReview: {
          description: 'The ordering department reviews the latest evidence (a task with a due date); the deadline waits for its answer.',
          on: {
            ACCEPT_EVIDENCE: { target: '#rectification.rectified', actions: ['reviewEvidence', closeFor('rectified')] },
            REJECT_EVIDENCE: [
              { guard: 'beforeDue', target: 'awaitingEvidence', actions: 'reviewEvidence' },
              { target: '#rectification.escalated', actions: ['reviewEvidence', escalateFor('rejectedLate')] },
            ],
          },
        },
      },
    },
    escalated: {
      description: 'R20 Decision: overdue; the ordering department and the next level up follow it up; late evidence may still be accepted until the grace period ends.',
      initial: 'waiting',
      states: {
        waiting: {
          on: {
            SUBMIT_EVIDENCE: { target: 'lateReview', actions: [{ type: 'appendEvidence', params: { late: true } }, { type: 'requestDeadlines', params: ({ event }) => reviewRequest(event.at) }] },
          },
        },
        lateReview: {
          on: {
            ACCEPT_EVIDENCE: { target: '#rectification.rectified', actions: ['reviewEvidence', closeFor('rectified')] },
            REJECT_EVIDENCE: { target: 'waiting', actions: 'reviewEvidence' },
          },
        },
      },
      on: {
        RECORD_FOLLOW_UP: { guard: 'openFollowUp', actions: 'recordFollowUp' },
        'deadline.reached': { guard: 'graceEnds', target: 'removalDecision' },
      },
    },
    removalDecision: {
      description: 'R20.2: the listing\'s organiser decides the removal (a task); removal is published and starts the R9.3 bar.',
      entry: {
        type: 'notify',
        params: ({ context }) =>
          notifyParams(
            [organiserOfficer(context), orderingOfficer(context)],
            'rectification.removalDecision',
            `Removal decision due: ${orderName(context)}`,
            `The grace period after the escalation has ended without accepted evidence: decide whether to remove the listing from the directory (R20.2).`,
            'R20.2',
          ),
      },
      on: {
        DECIDE_REMOVAL: { target: 'removed', actions: ['decide', closeFor('removed')] },
        KEEP_LISTING: { target: 'closed', actions: ['decide', closeFor('keptListing')] },
      },
    },
    rectified: { type: 'final', description: 'R20.1: the evidence was accepted; the order is closed.' },
    removed: { type: 'final', description: 'R20.2: the listing is removed from the directory (published, R5.1) and barred for 3 years (R9.3).' },
    closed: { type: 'final', description: 'Closed without removal: kept after the decision, cancelled by the ordering department, or moot because the listing ended.' },
  },
});

/** The ordering department's review of one evidence version is due within the review period (a task with a due date). */
function reviewRequest(at: string): DeadlineRequest {
  return { due: { name: 'reviewDue', rule: 'R20.1', from: at, offset: rectificationPolicy.review, time: 'endOfDay' }, reminders: [] };
}

export type RectificationMachine = typeof rectificationMachine;
