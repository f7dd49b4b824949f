/**
 * The selection round as a case: its commands with payload schemas, the tasks its states yield (the
 * leader's list approval, the officer's resubmission after a return, one task per open objection), and
 * its public status and summary. Objection texts and contact details never appear in the summary.
 *
 * FILE_OBJECTION comes from the public (社会公众), who have no account: it is a `public` command with no
 * task; the API's public objection endpoint sends it with a public principal, and the machine accepts it
 * only while the notice runs and only for an application on the list (R7.4).
 */
import { Type, type Static } from 'typebox';
import type { CaseDefinition, FieldError, PublicStatus, TaskSpec } from './kit.js';
import {
  applicationCounts,
  approver,
  isListed,
  noticePeriodOf,
  openObjection,
  openObjections,
  organiserOfficer,
  roundMachine,
  type RoundContext,
  type RoundMachine,
} from './round.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max });

export const roundPayloads = {
  SUBMIT_LIST: Type.Object({ comments: Text(1) }, { additionalProperties: false }),
  APPROVE_LIST: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  RETURN_LIST: Type.Object({ comments: Text(1) }, { additionalProperties: false }),
  FILE_OBJECTION: Type.Object(
    {
      application: Type.String({ minLength: 1, maxLength: 200, description: 'case id of the listed application objected to' }),
      text: Text(1),
      contact: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'how to reach the objector; never published' })),
    },
    { additionalProperties: false },
  ),
  UPHOLD_OBJECTION: Type.Object({ objectionId: Type.String({ minLength: 1, maxLength: 200 }), reason: Text(1) }, { additionalProperties: false }),
  DISMISS_OBJECTION: Type.Object({ objectionId: Type.String({ minLength: 1, maxLength: 200 }), reason: Text(1) }, { additionalProperties: false }),
  CANCEL_ROUND: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
};
export type RoundPayloads = { [K in keyof typeof roundPayloads]: Static<(typeof roundPayloads)[K]> };

type Snapshot = ReturnType<RoundMachine['resolveState']>;


/** Stable public statuses: the code is the top-level step; the approval's inner steps share one code. */
const statuses: Record<string, PublicStatus> = {
  accepting: { code: 'accepting', label: 'Accepting applications', final: false },
  reviewing: { code: 'reviewing', label: 'Applications under review', final: false },
  'approval.awaitingLeader': { code: 'approval', label: 'Proposed list awaiting approval', final: false },
  'approval.returned': { code: 'approval', label: 'Proposed list returned for recheck', final: false },
  publicNotice: { code: 'publicNotice', label: 'Proposed list on public notice', final: false },
  resolvingObjections: { code: 'resolvingObjections', label: 'Public notice ended; objections being resolved', final: false },
  publishing: { code: 'publishing', label: 'Publishing', final: false },
  published: { code: 'published', label: 'Published', final: true },
  closedWithoutApplications: { code: 'closedWithoutApplications', label: 'Closed without applications', final: true },
  closedWithoutRecommendations: { code: 'closedWithoutRecommendations', label: 'Closed: no application recommended', final: true },
  cancelled: { code: 'cancelled', label: 'Cancelled', final: true },
};

/** R7.4: an objection names an application on the list under public notice. */
export function checkObjectedApplication(ctx: Pick<RoundContext, 'list'>, application: string): FieldError[] {
  return isListed(ctx, application)
    ? []
    : [{ field: '/application', message: `application ${application} is not on the list under public notice`, rule: 'R7.4' }];
}

/** R7.4: only an open objection can be upheld or dismissed, once. */
export function checkOpenObjection(ctx: Pick<RoundContext, 'objections'>, objectionId: string): FieldError[] {
  return openObjection(ctx, objectionId)
    ? []
    : [{ field: '/objectionId', message: `${objectionId} is not an open objection of this round`, rule: 'R7.4' }];
}

export const roundCase: CaseDefinition<RoundMachine, Snapshot> = {
  caseType: 'round',
  machine: roundMachine,
  defaultRule: 'R7.2',
  commands: {
    SUBMIT_LIST: { title: 'Submit the rechecked list for approval', rule: 'R7.4', payload: roundPayloads.SUBMIT_LIST },
    APPROVE_LIST: { title: 'Approve the proposed list', rule: 'R7.4', payload: roundPayloads.APPROVE_LIST },
    RETURN_LIST: { title: 'Return the proposed list with comments', rule: 'R7.4', payload: roundPayloads.RETURN_LIST },
    FILE_OBJECTION: {
      title: 'File an objection',
      rule: 'R7.4',
      payload: roundPayloads.FILE_OBJECTION,
      public: true,
      check: (p: RoundPayloads['FILE_OBJECTION'], s) => checkObjectedApplication(s.context, p.application),
    },
    UPHOLD_OBJECTION: {
      title: 'Uphold the objection (removes the application from the list)',
      rule: 'R7.5',
      payload: roundPayloads.UPHOLD_OBJECTION,
      check: (p: RoundPayloads['UPHOLD_OBJECTION'], s) => checkOpenObjection(s.context, p.objectionId),
    },
    DISMISS_OBJECTION: {
      title: 'Dismiss the objection',
      rule: 'R7.4',
      payload: roundPayloads.DISMISS_OBJECTION,
      check: (p: RoundPayloads['DISMISS_OBJECTION'], s) => checkOpenObjection(s.context, p.objectionId),
    },
    CANCEL_ROUND: {
      title: 'Cancel the selection round',
      rule: 'R7.2',
      payload: roundPayloads.CANCEL_ROUND,
      allowed: (s) => (s.status === 'done' || s.context.outcome ? [] : [organiserOfficer(s.context)]),
    },
  },
  tasks(snapshot) {
    const ctx = snapshot.context;
    const leaf = leafState(snapshot.value);
    const round = ctx.notice.documentNumber;
    const objectionTasks = (): TaskSpec[] =>
      openObjections(ctx).map((o) => ({
        key: o.id,
        step: 'round.decideObjection',
        title: `Decide ${o.id} against ${o.application} (${round})`,
        rule: 'R7.4',
        assignee: organiserOfficer(ctx),
        actions: ['UPHOLD_OBJECTION', 'DISMISS_OBJECTION'],
      }));
    switch (leaf) {
      case 'approval.awaitingLeader':
        return [
          {
            key: `approveList-${ctx.listRevision}`,
            step: 'round.approveList',
            title: `Approve the proposed list of ${round} (${ctx.list.length} application(s), revision ${ctx.listRevision})`,
            rule: 'R7.4',
            assignee: approver(ctx),
            actions: ['APPROVE_LIST', 'RETURN_LIST'],
            deadline: 'listApprovalDue',
            remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('listApproval')),
          },
        ];
      case 'approval.returned':
        return [
          {
            key: `resubmitList-${ctx.listRevision}`,
            step: 'round.resubmitList',
            title: `Recheck and resubmit the returned list of ${round}`,
            rule: 'R7.4',
            assignee: organiserOfficer(ctx),
            actions: ['SUBMIT_LIST'],
          },
        ];
      case 'publicNotice':
      case 'resolvingObjections':
        return objectionTasks();
      default:
        return [];
    }
  },
  status(snapshot) {
    const leaf = leafState(snapshot.value);
    return statuses[leaf] ?? { code: leaf, label: leaf, final: snapshot.status === 'done' };
  },
  /** From the application cases (`signalCase`), and the host's registration of each application it starts. */
  signals: ['application.registered', 'application.settled', 'application.ended'],
  owner: (snapshot) => snapshot.context.organiser,
  summary(snapshot) {
    const ctx = snapshot.context;
    const period = noticePeriodOf(ctx);
    const count = (status: 'open' | 'upheld' | 'dismissed') => ctx.objections.filter((o) => o.status === status).length;
    return {
      kind: ctx.kind,
      organiser: ctx.organiser,
      planId: ctx.planId,
      notice: { documentNumber: ctx.notice.documentNumber, occupations: ctx.notice.occupations, applicationWindow: ctx.notice.applicationWindow },
      applications: applicationCounts(ctx),
      list: ctx.list.map((id) => {
        const a = ctx.applications[id];
        return { application: id, institutionId: a?.institutionId ?? null, occupationCode: a?.occupationCode ?? null };
      }),
      listRevision: ctx.listRevision,
      publicNotice: period
        ? { startedAt: period.startedAt, endDate: period.endDate ?? null, endsAt: period.endsAt ?? null, provisional: period.provisional ?? null, endedAt: period.endedAt ?? null }
        : null,
      // Counts only: objection texts and objectors' contact details are never summarised.
      objections: { filed: ctx.objections.length, open: count('open'), upheld: count('upheld'), dismissed: count('dismissed') },
      publishedAt: ctx.publishedAt ?? null,
      outcome: ctx.outcome ?? null,
      cancellation: ctx.cancellation ? { reason: ctx.cancellation.reason, at: ctx.cancellation.at } : null,
    };
  },
};
