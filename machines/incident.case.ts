/**
 * The incident (R11 (6)) as a case: its commands with payload schemas, the tasks its states yield
 * (each department's acknowledgement, the institution's follow-up report, local HR's review, the
 * overdue tasks of the escalation), and its status and summary — without personal data: the
 * description, the measures, notes and reports stay in the case's context and history.
 *
 * Public status codes: `reported | moreRequested | underReview | escalated | closed`.
 */
import { Type, type Static } from 'typebox';
import { uncitable } from '../rules/rectification/policy.js';
import { INCIDENT_CATEGORIES, incidentPolicy } from '../rules/incident/policy.js';
import type { CaseDefinition, FieldError, PublicStatus, TaskSpec } from './kit.js';
import {
  currentEscalations,
  holderOf,
  incidentMachine,
  localHrOfficer,
  pendingAcknowledgements,
  type IncidentContext,
  type IncidentMachine,
} from './incident.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max, ...(min > 0 ? { pattern: '\\S' } : {}) });
const { moreWorkingDays } = incidentPolicy;

export const incidentPayloads = {
  ACKNOWLEDGE: Type.Object({ note: Text(1) }, { additionalProperties: false }),
  SUBMIT_FOLLOW_UP: Type.Object(
    { text: Text(1, 20000), attachments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50 })) },
    { additionalProperties: false },
  ),
  ACCEPT_FOLLOW_UP: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  REQUEST_MORE: Type.Object(
    { reason: Text(1), workingDays: Type.Optional(Type.Integer({ minimum: moreWorkingDays.min, maximum: moreWorkingDays.max })) },
    { additionalProperties: false },
  ),
  RECORD_ESCALATION: Type.Object({ level: Type.Integer({ minimum: 1, maximum: 2 }), note: Text(1) }, { additionalProperties: false }),
  REFER_FOR_RECTIFICATION: Type.Object(
    { rules: Type.Array(Type.String({ pattern: '^R[0-9]{1,2}(\\.[0-9])?(\\([a-g]\\))?$' }), { minItems: 1, maxItems: 20 }), note: Text(1) },
    { additionalProperties: false },
  ),
  CLOSE_INCIDENT: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
};
export type IncidentPayloads = { [K in keyof typeof incidentPayloads]: Static<(typeof incidentPayloads)[K]> };

type Snapshot = ReturnType<IncidentMachine['resolveState']>;

/** R20.1: the referral cites rules a rectification order against an evaluation listing may cite. */
export function checkReferral(p: IncidentPayloads['REFER_FOR_RECTIFICATION']): FieldError[] {
  const bad = uncitable('evaluation', p.rules);
  return p.rules.flatMap((r, i) => (bad.includes(r) ? [{ field: `/rules/${i}`, message: `${r} does not apply to an evaluation listing`, rule: 'R20.1' }] : []));
}

const statusOf = (leaf: string, ctx: IncidentContext): PublicStatus => {
  switch (leaf) {
    case 'reported.awaitingFollowUp':
      return ctx.round.n === 1
        ? { code: 'reported', label: 'Reported: awaiting the follow-up report', final: false }
        : { code: 'moreRequested', label: 'More requested: awaiting a new follow-up report', final: false };
    case 'reported.underReview':
      return { code: 'underReview', label: 'Follow-up report under review', final: false };
    case 'escalated.waiting':
      return { code: 'escalated', label: `Follow-up report overdue: escalated (level ${currentEscalations(ctx).length})`, final: false };
    case 'escalated.lateReview':
      return { code: 'escalated', label: 'Follow-up report overdue: late report under review', final: false };
    case 'closed':
      return { code: 'closed', label: ctx.outcome?.code === 'followUpAccepted' ? 'Closed: follow-up report accepted' : 'Closed by local HR', final: true };
    default:
      return { code: leaf, label: leaf, final: false };
  }
};

const open = (s: Snapshot) => s.status !== 'done';

export const incidentCase: CaseDefinition<IncidentMachine, Snapshot> = {
  caseType: 'incident',
  machine: incidentMachine,
  defaultRule: 'R11',
  commands: {
    ACKNOWLEDGE: { title: 'Acknowledge the incident report', rule: 'R11', payload: incidentPayloads.ACKNOWLEDGE },
    SUBMIT_FOLLOW_UP: { title: 'File the follow-up report', rule: 'R11', payload: incidentPayloads.SUBMIT_FOLLOW_UP },
    ACCEPT_FOLLOW_UP: { title: 'Accept the follow-up report and close the incident', rule: 'R11', payload: incidentPayloads.ACCEPT_FOLLOW_UP },
    REQUEST_MORE: { title: 'Ask for more in a new follow-up report', rule: 'R11', payload: incidentPayloads.REQUEST_MORE },
    RECORD_ESCALATION: { title: 'Record the handling of the overdue follow-up', rule: 'R20 Decision', payload: incidentPayloads.RECORD_ESCALATION },
    REFER_FOR_RECTIFICATION: {
      title: 'Record that a rectification order should be issued',
      rule: 'R20.1',
      payload: incidentPayloads.REFER_FOR_RECTIFICATION,
      allowed: (s) => (open(s) && !s.context.referral ? [localHrOfficer(s.context)] : []),
      check: (p: IncidentPayloads['REFER_FOR_RECTIFICATION']) => checkReferral(p),
    },
    CLOSE_INCIDENT: {
      title: 'Close the incident',
      rule: 'R11',
      payload: incidentPayloads.CLOSE_INCIDENT,
      allowed: (s) => (open(s) ? [localHrOfficer(s.context)] : []),
    },
  },
  tasks(snapshot) {
    if (snapshot.status === 'done') return [];
    const ctx = snapshot.context;
    const leaf = leafState(snapshot.value);
    const name = `${INCIDENT_CATEGORIES[ctx.category]} — ${ctx.institution.name}, ${ctx.occupation.name}`;
    const tasks: TaskSpec[] = pendingAcknowledgements(ctx).map((unit) => ({
      key: `acknowledge-${unit}`,
      step: 'incident.acknowledge',
      title: `Acknowledge the incident report: ${name}`,
      rule: 'R11',
      assignee: { role: 'officer', unit },
      actions: ['ACKNOWLEDGE'],
      deadline: 'acknowledgementDue',
    }));
    if (leaf === 'reported.awaitingFollowUp' || leaf === 'escalated.waiting') {
      tasks.push({
        key: `followUp-${ctx.followUps.length + 1}`,
        step: 'incident.submitFollowUp',
        title: `File the follow-up report of the incident: ${name}`,
        rule: 'R11',
        assignee: holderOf(ctx),
        actions: ['SUBMIT_FOLLOW_UP'],
        deadline: 'followUpDue',
        remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('followUpReminder') && r.at >= ctx.round.startedAt),
      });
    }
    if (leaf === 'reported.underReview' || leaf === 'escalated.lateReview') {
      tasks.push({
        key: `review-${ctx.followUps.length}`,
        step: 'incident.reviewFollowUp',
        title: `Review the follow-up report (version ${ctx.followUps.length}) of the incident: ${name}`,
        rule: 'R11',
        assignee: localHrOfficer(ctx),
        actions: ['ACCEPT_FOLLOW_UP', 'REQUEST_MORE'],
        deadline: 'reviewDue',
      });
    }
    if (leaf.startsWith('escalated')) {
      for (const e of currentEscalations(ctx)) {
        if (ctx.escalationNotes.some((n) => n.round === e.round && n.level === e.level)) continue;
        tasks.push({
          key: `overdue-r${e.round}-L${e.level}`,
          step: 'incident.overdue',
          title: `Overdue incident follow-up report: follow it up (level ${e.level}): ${name}`,
          rule: 'R20 Decision',
          assignee: e.to,
          actions: ['RECORD_ESCALATION'],
          ...(e.level === 1 ? { deadline: 'escalation2Due' } : {}),
          escalation: true,
        });
      }
    }
    return tasks;
  },
  status: (snapshot) => statusOf(leafState(snapshot.value), snapshot.context),
  owner: (snapshot) => snapshot.context.localHr,
  parties: (snapshot) => {
    const ctx: IncidentContext = snapshot.context;
    const units = [holderOf(ctx).unit, ctx.industryDepartment, 'national' as const, ...ctx.escalations.map((e) => e.to.unit)];
    return [...new Set(units)].filter((u) => u !== ctx.localHr);
  },
  summary(snapshot) {
    const ctx = snapshot.context;
    return {
      listingId: ctx.listingId,
      listingCaseId: ctx.listingCaseId,
      institution: ctx.institution,
      occupation: ctx.occupation,
      category: ctx.category,
      categoryLabel: INCIDENT_CATEGORIES[ctx.category],
      occurredAt: ctx.occurredAt,
      reportedAt: ctx.createdAt,
      localHr: ctx.localHr,
      industryDepartment: ctx.industryDepartment,
      acknowledgements: ctx.departments.map((unit) => ({ unit, at: ctx.acknowledgements.find((a) => a.unit === unit)?.at ?? null })),
      acknowledgementDue: ctx.deadlines.acknowledgementDue?.date ?? null,
      followUpRound: ctx.round.n,
      followUpDue: ctx.deadlines.followUpDue?.date ?? null,
      followUpVersions: ctx.followUps.length,
      escalationLevel: currentEscalations(ctx).length,
      referral: ctx.referral ? { rules: ctx.referral.rules, at: ctx.referral.at } : null,
      outcome: ctx.outcome ? { code: ctx.outcome.code, at: ctx.outcome.at } : null,
    };
  },
};
