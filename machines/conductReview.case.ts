/**
 * The review of a same-occupation conflict (R18(g)) as a case: the reviewer's task with its due
 * date, the two decisions, and a summary naming the listings and the relation (no personal data).
 */
import { Type, type Static } from 'typebox';
import { shanghaiDate } from '../rules/calendar/dates.js';
import { checkOrderDue, OrderDueSchema, OrderModeSchema } from '../rules/rectification/order.js';
import { conductReviewMachine, conflictText, reviewerOfficer, type ConductReviewMachine } from './conductReview.machine.js';
import type { CaseDefinition, FieldError, PublicStatus } from './kit.js';

const Reason = Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' });

export const conductReviewPayloads = {
  DISMISS_CONFLICT: Type.Object({ reason: Reason }, { additionalProperties: false }),
  CONFIRM_CONFLICT: Type.Object(
    {
      reason: Reason,
      mode: OrderModeSchema,
      due: Type.Optional(OrderDueSchema),
    },
    { additionalProperties: false },
  ),
};
type Payloads = { [K in keyof typeof conductReviewPayloads]: Static<(typeof conductReviewPayloads)[K]> };
type Snapshot = ReturnType<ConductReviewMachine['resolveState']>;

const statuses: Record<string, PublicStatus> = {
  open: { code: 'open', label: 'Under review', final: false },
  dismissed: { code: 'dismissed', label: 'Dismissed', final: true },
  confirmed: { code: 'confirmed', label: 'Confirmed: rectification ordered', final: true },
};

/** R20.1: the order's deadline is a day after today; an immediate order has none. */
export function checkConfirmation(p: Payloads['CONFIRM_CONFLICT'], at: string): FieldError[] {
  return checkOrderDue(p.mode, p.due, shanghaiDate(at));
}

export const conductReviewCase: CaseDefinition<ConductReviewMachine, Snapshot> = {
  caseType: 'conductReview',
  machine: conductReviewMachine,
  defaultRule: 'R18(g)',
  commands: {
    DISMISS_CONFLICT: { title: 'Dismiss the conflict', rule: 'R18(g)', payload: conductReviewPayloads.DISMISS_CONFLICT },
    CONFIRM_CONFLICT: {
      title: 'Confirm the conflict and order rectification',
      rule: 'R18(g)',
      payload: conductReviewPayloads.CONFIRM_CONFLICT,
      check: (p: Payloads['CONFIRM_CONFLICT'], _s, at) => checkConfirmation(p, at),
    },
  },
  tasks: (snapshot) =>
    snapshot.value === 'open'
      ? [
          {
            key: 'review',
            step: 'conductReview.decide',
            title: `Review a same-occupation conflict: ${snapshot.context.evaluation.institution.name} / ${snapshot.context.training.institution.name} (${snapshot.context.evaluation.occupation.code})`,
            rule: 'R18(g)',
            assignee: reviewerOfficer(snapshot.context),
            actions: ['DISMISS_CONFLICT', 'CONFIRM_CONFLICT'],
            deadline: 'reviewDue',
          },
        ]
      : [],
  status: (snapshot) => statuses[String(snapshot.value)] ?? { code: String(snapshot.value), label: String(snapshot.value), final: snapshot.status === 'done' },
  owner: (snapshot) => snapshot.context.reviewer,
  parties: (snapshot) => [...new Set([`institution:${snapshot.context.evaluation.institution.id}` as const, `institution:${snapshot.context.training.institution.id}` as const, snapshot.context.training.organiser])],
  summary: (snapshot) => {
    const ctx = snapshot.context;
    return {
      rule: ctx.rule,
      occupation: ctx.evaluation.occupation,
      evaluation: { listingId: ctx.evaluation.listingId, institution: ctx.evaluation.institution },
      training: { listingId: ctx.training.listingId, institution: ctx.training.institution },
      path: ctx.path,
      via: ctx.via,
      text: conflictText(ctx),
      due: ctx.deadlines.reviewDue?.date ?? null,
      decision: ctx.decision ? { decision: ctx.decision.decision, at: ctx.decision.at, order: ctx.decision.order ?? null } : null,
    };
  },
};
