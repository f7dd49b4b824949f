/**
 * The review of a same-occupation conflict the directory detected (R18(g) and its Decision): an
 * evaluation listing and a training listing for the same occupation held by one institution or by
 * related organisations (subsidiary, branch, technical support unit). The national group — which
 * keeps the evaluation directory — reviews it within the review period: it dismisses the conflict
 * with a reason (e.g. the relation has ended), or confirms it, which orders the evaluation
 * institution to rectify under R18(g) in the same step (R20.1).
 */
import { assign, setup } from 'xstate';
import { type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline } from '../rules/calendar/deadline.js';
import type { IsoDate } from '../rules/calendar/dates.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { policy } from '../rules/policy.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, NotificationRequest, ReminderRecord, StartCaseRequest } from './kit.js';
import type { RectificationInput } from './rectification.machine.js';
import { deadlineIs, notifyParams, reminderOf, withDeadlines, withReminder } from './steps.js';

export interface ReviewedListing {
  listingId: string;
  listingCaseId: string;
  kind: Kind;
  institution: { id: string; name: string; province: string };
  occupation: Occupation;
  organiser: Unit;
  recommender: Unit;
}

export interface ConductReviewInput {
  caseId: string;
  rule: 'R18(g)';
  evaluation: ReviewedListing;
  training: ReviewedListing;
  /** The institutions linking the two holders, and the relation of each step (empty: one institution holds both). */
  path: string[];
  via: string[];
  /** The department that reviews: the national group (evaluation directory). */
  reviewer: Unit;
  createdBy: Principal;
  createdAt: string;
}

export interface ConductReviewContext extends ConductReviewInput {
  decision?: { decision: 'dismissed' | 'confirmed'; reason: string; by: Principal; at: string; order?: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
}

export type ConductReviewCommand =
  | { type: 'DISMISS_CONFLICT'; reason: string }
  | { type: 'CONFIRM_CONFLICT'; reason: string; mode: 'immediate' | 'deadline'; due?: { date: IsoDate } | { workingDays: number } };

export type ConductReviewEvent = (ConductReviewCommand & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

export const reviewerOfficer = (ctx: Pick<ConductReviewContext, 'reviewer'>): Assignee => ({ role: 'officer', unit: ctx.reviewer });

/** What the conflict is, in words: who holds which listing and how they are related. */
export function conflictText(ctx: Pick<ConductReviewContext, 'evaluation' | 'training' | 'path' | 'via'>): string {
  const e = ctx.evaluation;
  const t = ctx.training;
  const how = ctx.path.length <= 1 ? 'the same institution holds both' : `related through ${ctx.path.map((id, i) => (i === 0 ? id : `${ctx.via[i - 1] ?? 'related'} ${id}`)).join(' → ')}`;
  return `${e.institution.name} evaluates ${e.occupation.code} (${e.listingId}) while ${t.institution.name} trains in it (${t.listingId}): ${how} (R18(g)).`;
}


/** The R18(g) order the confirmation issues against the evaluation listing. */
export function orderOf(ctx: ConductReviewContext, event: Extract<ConductReviewCommand, { type: 'CONFIRM_CONFLICT' }> & EventMeta): StartCaseRequest {
  const e = ctx.evaluation;
  const input: Omit<RectificationInput, 'caseId' | 'createdAt'> = {
    listingCaseId: e.listingCaseId,
    listingId: e.listingId,
    kind: e.kind,
    institution: e.institution,
    occupation: e.occupation,
    organiser: e.organiser,
    recommender: e.recommender,
    orderedBy: ctx.reviewer,
    breaches: [{ rule: 'R18(g)', finding: `${conflictText(ctx)} ${event.reason}` }],
    mode: event.mode,
    ...(event.due ? { due: event.due } : {}),
    createdBy: event.actor,
  };
  return { caseType: 'rectification', caseId: `rectification:${e.listingId}:r18g-${ctx.training.institution.id}`, input: input as unknown as Record<string, unknown> };
}

const reviewSetup = setup({
  types: { context: {} as ConductReviewContext, events: {} as ConductReviewEvent, input: {} as ConductReviewInput },
  actions: {
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    notify: (_, _params: NotificationRequest) => {},
    startCase: (_, _params: StartCaseRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
  },
  guards: { reviewDue: deadlineIs('reviewDue'), reminder: reminderOf('review') },
});

const open = reviewSetup.enqueueActions(({ context, enqueue }) => {
  enqueue({
    type: 'requestDeadlines',
    params: {
      due: { name: 'reviewDue', rule: 'R18(g)', from: context.createdAt, offset: { workingDays: 10 }, time: 'endOfDay' },
      reminders: [{ name: 'reviewReminder1', offset: { workingDays: -2 }, time: policy.reminderTime }],
    },
  });
  enqueue({ type: 'notify', params: notifyParams([reviewerOfficer(context)], 'conductReview.opened', `Same-occupation conflict to review (R18(g))`, conflictText(context), 'R18(g)') });
});

const confirm = reviewSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'CONFIRM_CONFLICT') return;
  const order = orderOf(context, event);
  enqueue({ type: 'startCase', params: order });
  enqueue.assign({ decision: { decision: 'confirmed', reason: event.reason, by: event.actor, at: event.at, order: order.caseId } });
});

export const conductReviewMachine = reviewSetup.createMachine({
  id: 'conductReview',
  context: ({ input }) => ({ ...input, deadlines: {}, reminders: [] }),
  initial: 'open',
  entry: open,
  on: { 'deadlines.set': { actions: 'storeDeadlines' } },
  states: {
    open: {
      description: 'R18(g) Decision: the national group reviews the detected conflict within 10 working days.',
      on: {
        DISMISS_CONFLICT: {
          target: 'dismissed',
          actions: assign({ decision: ({ event }) => (event.type === 'DISMISS_CONFLICT' ? { decision: 'dismissed' as const, reason: event.reason, by: event.actor, at: event.at } : undefined) }),
        },
        CONFIRM_CONFLICT: { target: 'confirmed', actions: confirm },
        'deadline.reached': [
          {
            guard: 'reminder',
            actions: ['recordReminder', { type: 'notify', params: ({ context }) => notifyParams([reviewerOfficer(context)], 'conductReview.reminder', 'Same-occupation conflict: review due', conflictText(context), 'R18(g)') }],
          },
          {
            guard: 'reviewDue',
            actions: { type: 'notify', params: ({ context }) => notifyParams([reviewerOfficer(context), { role: 'leader', unit: 'national' }], 'conductReview.overdue', 'Overdue review of a same-occupation conflict', conflictText(context), 'R18(g)') },
          },
        ],
      },
    },
    dismissed: { type: 'final', description: 'No conflict: dismissed with a reason.' },
    confirmed: { type: 'final', description: 'R18(g) confirmed: a rectification order against the evaluation listing was issued (R20.1).' },
  },
});

export type ConductReviewMachine = typeof conductReviewMachine;
