/**
 * The selection plan as a case: its commands (Updates) with payload schemas, the tasks its states
 * yield for the inbox, and its public status. Pure; read by the workflow host and the API.
 */
import { Type, type Static } from 'typebox';
import { OCCUPATION_CODE_PATTERN } from '../rules/kinds.js';
import { checkNotice, duplicateOccupations } from '../rules/selectionPlan.js';
import type { CaseDefinition, PublicStatus, TaskSpec } from './kit.js';
import { approver, organiserOfficer, selectionPlanMachine, type SelectionPlanMachine } from './selectionPlan.machine.js';

export const IsoDateSchema = Type.String({ format: 'date', description: 'YYYY-MM-DD, Asia/Shanghai' });
export const OccupationSchema = Type.Object(
  {
    code: Type.String({ pattern: OCCUPATION_CODE_PATTERN, description: 'national occupational classification code, e.g. 2-02-10-09' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export const PlanDraftSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    occupations: Type.Array(OccupationSchema, { minItems: 1, maxItems: 100 }),
    requirements: Type.String({ maxLength: 20000 }),
  },
  { additionalProperties: false },
);
const Comments = (min: number) => Type.String({ minLength: min, maxLength: 5000 });

export const selectionPlanPayloads = {
  EDIT_DRAFT: Type.Object({ draft: PlanDraftSchema }, { additionalProperties: false }),
  SUBMIT: Type.Object({}, { additionalProperties: false }),
  APPROVE: Type.Object({ comments: Type.Optional(Comments(0)) }, { additionalProperties: false }),
  RETURN: Type.Object({ comments: Comments(1) }, { additionalProperties: false }),
  PUBLISH_NOTICE: Type.Object(
    {
      documentNumber: Type.String({ minLength: 1, maxLength: 100 }),
      occupations: Type.Array(OccupationSchema, { minItems: 1, maxItems: 100 }),
      applicationWindow: Type.Object({ opens: IsoDateSchema, closes: IsoDateSchema }, { additionalProperties: false }),
      requirements: Type.String({ minLength: 1, maxLength: 20000 }),
    },
    { additionalProperties: false },
  ),
  RESOLVE_ESCALATION: Type.Object({ note: Comments(1) }, { additionalProperties: false }),
  CANCEL: Type.Object({ reason: Comments(1) }, { additionalProperties: false }),
};
export type SelectionPlanPayloads = { [K in keyof typeof selectionPlanPayloads]: Static<(typeof selectionPlanPayloads)[K]> };

type Snapshot = ReturnType<SelectionPlanMachine['resolveState']>;

const statuses: Record<string, Omit<PublicStatus, 'code'>> = {
  drafting: { label: 'Drafting', final: false },
  submitted: { label: 'Awaiting approval', final: false },
  approved: { label: 'Approved; notice to publish', final: false },
  noticePublished: { label: 'Selection notice published; applications open', final: false },
  applicationWindowClosed: { label: 'Applications closed', final: true },
  cancelled: { label: 'Cancelled', final: true },
};

function topState(snapshot: Snapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]!;
}

function escalationTasks(snapshot: Snapshot, step: string, title: string): TaskSpec[] {
  const ctx = snapshot.context;
  return ctx.escalations
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => !e.resolvedAt)
    .map(({ e, i }) => ({
      key: `escalation-${i + 1}`,
      step: `${step}.escalation`,
      title,
      rule: 'R7.1',
      assignee: e.to,
      actions: ['RESOLVE_ESCALATION'],
      escalation: true,
    }));
}

export const selectionPlanCase: CaseDefinition<SelectionPlanMachine, Snapshot> = {
  caseType: 'selectionPlan',
  machine: selectionPlanMachine,
  defaultRule: 'R7.1',
  commands: {
    EDIT_DRAFT: {
      title: 'Edit the draft plan',
      rule: 'R7.1',
      payload: selectionPlanPayloads.EDIT_DRAFT,
      check: (p: SelectionPlanPayloads['EDIT_DRAFT']) => duplicateOccupations('/draft/occupations', p.draft.occupations),
    },
    SUBMIT: { title: 'Submit the plan for approval', rule: 'R7.1', payload: selectionPlanPayloads.SUBMIT },
    APPROVE: { title: 'Approve the plan', rule: 'R7.1', payload: selectionPlanPayloads.APPROVE },
    RETURN: { title: 'Return the plan with comments', rule: 'R7.1', payload: selectionPlanPayloads.RETURN },
    PUBLISH_NOTICE: {
      title: 'Publish the selection notice',
      rule: 'R7.1',
      payload: selectionPlanPayloads.PUBLISH_NOTICE,
      check: (p: SelectionPlanPayloads['PUBLISH_NOTICE'], snapshot, at) => checkNotice(p, snapshot.context.draft.occupations, at),
    },
    RESOLVE_ESCALATION: { title: 'Answer the escalation', rule: 'R7.1', payload: selectionPlanPayloads.RESOLVE_ESCALATION },
    CANCEL: {
      title: 'Cancel the plan',
      rule: 'R7.1',
      payload: selectionPlanPayloads.CANCEL,
      allowed: (s) => [organiserOfficer(s.context)],
    },
  },
  tasks(snapshot) {
    const ctx = snapshot.context;
    const rev = ctx.revision;
    switch (topState(snapshot)) {
      case 'drafting':
        return [
          {
            key: `draft-${rev + 1}`,
            step: 'selectionPlan.draft',
            title: rev === 0 ? `Draft the selection plan "${ctx.draft.title}"` : `Revise the returned selection plan "${ctx.draft.title}"`,
            rule: 'R7.1',
            assignee: organiserOfficer(ctx),
            actions: ['EDIT_DRAFT', 'SUBMIT'],
          },
        ];
      case 'submitted':
        return [
          {
            key: `approve-${rev}`,
            step: 'selectionPlan.approve',
            title: `Approve the selection plan "${ctx.draft.title}" (revision ${rev})`,
            rule: 'R7.1',
            assignee: approver(ctx),
            actions: ['APPROVE', 'RETURN'],
            deadline: 'approvalDue',
            remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('approvalReminder')),
          },
          ...escalationTasks(snapshot, 'selectionPlan.approve', `Overdue approval of the selection plan "${ctx.draft.title}"`),
        ];
      case 'approved':
        return [
          {
            key: 'publishNotice',
            step: 'selectionPlan.publishNotice',
            title: `Publish the selection notice for "${ctx.draft.title}"`,
            rule: 'R7.1',
            assignee: organiserOfficer(ctx),
            actions: ['PUBLISH_NOTICE'],
            deadline: 'noticeDue',
            remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('noticeReminder')),
          },
          ...escalationTasks(snapshot, 'selectionPlan.publishNotice', `Overdue selection notice for "${ctx.draft.title}"`),
        ];
      default:
        return [];
    }
  },
  status(snapshot) {
    const code = topState(snapshot);
    const overdue = typeof snapshot.value === 'object' && Object.values(snapshot.value).includes('overdue');
    const s = statuses[code] ?? { label: code, final: false };
    return { code: overdue ? `${code}.overdue` : code, label: overdue ? `${s.label} (overdue)` : s.label, final: s.final };
  },
  owner: (snapshot) => snapshot.context.organiser,
  summary(snapshot) {
    const ctx = snapshot.context;
    return {
      title: ctx.draft.title,
      kind: ctx.kind,
      organiser: ctx.organiser,
      revision: ctx.revision,
      occupations: ctx.notice?.occupations ?? ctx.draft.occupations,
      notice: ctx.notice ? { documentNumber: ctx.notice.documentNumber, applicationWindow: ctx.notice.applicationWindow, publishedAt: ctx.notice.publishedAt } : null,
      cancellation: ctx.cancellation ? { reason: ctx.cancellation.reason, at: ctx.cancellation.at } : null,
    };
  },
};
