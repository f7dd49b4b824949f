/**
 * The rectification order as a case: its commands with payload schemas, the tasks its states yield
 * (the institution's evidence, the ordering department's review, the overdue follow-ups of the
 * escalation, the organiser's removal decision), and its status and summary.
 *
 * Public status codes: `ordered | underReview | escalated | removalDecision | rectified | removed | closed`.
 */
import { Type, type Static } from 'typebox';
import type { CaseDefinition, PublicStatus, TaskSpec } from './kit.js';
import {
  escalationLevels,
  holderOf,
  orderingOfficer,
  organiserOfficer,
  rectificationMachine,
  type RectificationContext,
  type RectificationMachine,
} from './rectification.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max, ...(min > 0 ? { pattern: '\\S' } : {}) });

export const rectificationPayloads = {
  SUBMIT_EVIDENCE: Type.Object(
    { text: Text(1, 20000), attachments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50 })) },
    { additionalProperties: false },
  ),
  REFUSE_RECTIFICATION: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  ACCEPT_EVIDENCE: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  REJECT_EVIDENCE: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  RECORD_FOLLOW_UP: Type.Object({ level: Type.Integer({ minimum: 1, maximum: 2 }), note: Text(1) }, { additionalProperties: false }),
  DECIDE_REMOVAL: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  KEEP_LISTING: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  REFER_FRAUD: Type.Object({ authority: Text(1, 200), note: Text(1) }, { additionalProperties: false }),
  CANCEL_ORDER: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
};
export type RectificationPayloads = { [K in keyof typeof rectificationPayloads]: Static<(typeof rectificationPayloads)[K]> };

type Snapshot = ReturnType<RectificationMachine['resolveState']>;

const statuses: Record<string, PublicStatus> = {
  'ordered.awaitingEvidence': { code: 'ordered', label: 'Ordered: awaiting the evidence of rectification', final: false },
  'ordered.underReview': { code: 'underReview', label: 'Evidence under review', final: false },
  'escalated.waiting': { code: 'escalated', label: 'Overdue: escalated, grace period running', final: false },
  'escalated.lateReview': { code: 'escalated', label: 'Overdue: late evidence under review', final: false },
  removalDecision: { code: 'removalDecision', label: 'Awaiting the removal decision', final: false },
  rectified: { code: 'rectified', label: 'Rectified', final: true },
  removed: { code: 'removed', label: 'Listing removed from the directory', final: true },
  closed: { code: 'closed', label: 'Closed without removal', final: true },
};

const open = (s: Snapshot) => s.context.outcome === undefined;

export const rectificationCase: CaseDefinition<RectificationMachine, Snapshot> = {
  caseType: 'rectification',
  machine: rectificationMachine,
  defaultRule: 'R20.1',
  commands: {
    SUBMIT_EVIDENCE: { title: 'Submit the evidence of rectification', rule: 'R20.1', payload: rectificationPayloads.SUBMIT_EVIDENCE },
    REFUSE_RECTIFICATION: { title: 'Refuse to rectify', rule: 'R20.2', payload: rectificationPayloads.REFUSE_RECTIFICATION },
    ACCEPT_EVIDENCE: { title: 'Accept the evidence', rule: 'R20.1', payload: rectificationPayloads.ACCEPT_EVIDENCE },
    REJECT_EVIDENCE: { title: 'Reject the evidence', rule: 'R20.1', payload: rectificationPayloads.REJECT_EVIDENCE },
    RECORD_FOLLOW_UP: { title: 'Record the follow-up of the overdue order', rule: 'R20.2', payload: rectificationPayloads.RECORD_FOLLOW_UP },
    DECIDE_REMOVAL: { title: 'Remove the listing from the directory', rule: 'R20.2', payload: rectificationPayloads.DECIDE_REMOVAL },
    KEEP_LISTING: { title: 'Keep the listing', rule: 'R20.2', payload: rectificationPayloads.KEEP_LISTING },
    REFER_FRAUD: {
      title: 'Refer as fraud to the competent authority',
      rule: 'R21',
      payload: rectificationPayloads.REFER_FRAUD,
      allowed: (s) => (open(s) && !s.context.referral ? [orderingOfficer(s.context), { role: 'officer', unit: 'national' }] : []),
    },
    CANCEL_ORDER: {
      title: 'Cancel the order',
      rule: 'R20.1',
      payload: rectificationPayloads.CANCEL_ORDER,
      allowed: (s) => (open(s) ? [orderingOfficer(s.context)] : []),
    },
  },
  tasks(snapshot) {
    const ctx = snapshot.context;
    const leaf = leafState(snapshot.value);
    const name = `${ctx.institution.name} — ${ctx.occupation.name}`;
    const tasks: TaskSpec[] = [];
    if (leaf === 'ordered.awaitingEvidence' || leaf === 'escalated.waiting') {
      tasks.push({
        key: `evidence-${ctx.evidence.length + 1}`,
        step: 'rectification.submitEvidence',
        title: `Rectify and file the evidence: ${ctx.breaches.map((b) => b.rule).join(', ')} (${name})`,
        rule: 'R20.1',
        assignee: holderOf(ctx),
        actions: leaf === 'ordered.awaitingEvidence' ? ['SUBMIT_EVIDENCE', 'REFUSE_RECTIFICATION'] : ['SUBMIT_EVIDENCE'],
        deadline: leaf === 'ordered.awaitingEvidence' ? 'rectificationDue' : 'graceEnds',
      });
    }
    if (leaf === 'ordered.underReview' || leaf === 'escalated.lateReview') {
      tasks.push({
        key: `review-${ctx.evidence.length}`,
        step: 'rectification.reviewEvidence',
        title: `Review the evidence of rectification (version ${ctx.evidence.length}) of ${name}`,
        rule: 'R20.1',
        assignee: orderingOfficer(ctx),
        actions: ['ACCEPT_EVIDENCE', 'REJECT_EVIDENCE'],
        deadline: 'reviewDue',
      });
    }
    if (leaf.startsWith('escalated')) {
      escalationLevels(ctx).forEach((assignee, i) => {
        if (ctx.followUps.some((f) => f.level === i + 1)) return;
        tasks.push({
          key: `overdue-L${i + 1}`,
          step: 'rectification.overdue',
          title: `Overdue rectification of ${name}: follow it up (level ${i + 1})`,
          rule: 'R20.2',
          assignee,
          actions: ['RECORD_FOLLOW_UP'],
          deadline: 'graceEnds',
          escalation: true,
        });
      });
    }
    if (leaf === 'removalDecision') {
      tasks.push({
        key: 'removalDecision',
        step: 'rectification.removalDecision',
        title: `Decide the removal of ${name} from the directory`,
        rule: 'R20.2',
        assignee: organiserOfficer(ctx),
        actions: ['DECIDE_REMOVAL', 'KEEP_LISTING'],
      });
    }
    return tasks;
  },
  status(snapshot) {
    const leaf = leafState(snapshot.value);
    return statuses[leaf] ?? { code: leaf, label: leaf, final: snapshot.status === 'done' };
  },
  owner: (snapshot) => snapshot.context.orderedBy,
  parties: (snapshot) => {
    const ctx: RectificationContext = snapshot.context;
    const units = [holderOf(ctx).unit, ctx.organiser, `province:${ctx.institution.province}` as const, ...escalationLevels(ctx).map((a) => a.unit)];
    return [...new Set(units)].filter((u) => u !== ctx.orderedBy);
  },
  signals: ['listing.ended'],
  summary(snapshot) {
    const ctx = snapshot.context;
    return {
      listingId: ctx.listingId,
      listingCaseId: ctx.listingCaseId,
      institution: ctx.institution,
      occupation: ctx.occupation,
      kind: ctx.kind,
      orderedBy: ctx.orderedBy,
      breaches: ctx.breaches,
      mode: ctx.mode,
      due: ctx.deadlines.rectificationDue?.date ?? null,
      evidenceVersions: ctx.evidence.length,
      escalated: ctx.escalation ? { at: ctx.escalation.at, cause: ctx.escalation.cause } : null,
      graceEnds: ctx.deadlines.graceEnds?.date ?? null,
      referral: ctx.referral ? { authority: ctx.referral.authority, at: ctx.referral.at } : null,
      source: ctx.source ?? null,
      outcome: ctx.outcome ? { code: ctx.outcome.code, at: ctx.outcome.at } : null,
    };
  },
};
