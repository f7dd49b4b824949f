/**
 * The application as a case: its commands with payload schemas, the tasks its states yield (the
 * recommender's, the reviewer's, the institution's, each panel member's), and its public status.
 * Panel membership and votes never appear in the summary: applicants must not see them (R7.3).
 */
import { Type, type Static } from 'typebox';
import type { Unit } from '../rules/actors.js';
import { policy } from '../rules/policy.js';
import type { CaseDefinition, FieldError, PublicStatus, TaskSpec } from './kit.js';
import {
  applicant,
  applicationMachine,
  expertAssignee,
  organiserOfficer,
  pendingVoters,
  recommenderOfficer,
  type ApplicationMachine,
} from './application.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max });
const { min: minDays, max: maxDays } = policy.application.correctionWorkingDays;

export const applicationPayloads = {
  CONFIRM_RECOMMENDATION: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  DECLINE_RECOMMENDATION: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  PASS_REVIEW: Type.Object({ reason: Type.Optional(Text(0)) }, { additionalProperties: false }),
  REJECT: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  RETURN_FOR_CORRECTION: Type.Object(
    { items: Text(1), workingDays: Type.Optional(Type.Integer({ minimum: minDays, maximum: maxDays })) },
    { additionalProperties: false },
  ),
  SUBMIT_CORRECTION: Type.Object({ note: Text(1, 20000) }, { additionalProperties: false }),
  RETRY_DRAW: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  CAST_VOTE: Type.Object(
    { recommend: Type.Boolean(), score: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })), comments: Text(1) },
    { additionalProperties: false },
  ),
  DECLINE_PANEL: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  DECLARE_CONFLICT: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  EXTEND_VOTING: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  CLOSE_VOTING: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  CONFIRM_RESULT: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  OVERRULE: Type.Object({ recommended: Type.Boolean(), reason: Text(1) }, { additionalProperties: false }),
  WITHDRAW: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
};
export type ApplicationPayloads = { [K in keyof typeof applicationPayloads]: Static<(typeof applicationPayloads)[K]> };

type Snapshot = ReturnType<ApplicationMachine['resolveState']>;


const statuses: Record<string, Omit<PublicStatus, 'code'>> = {
  recommendation: { label: 'Awaiting recommendation', final: false },
  preliminaryReview: { label: 'Preliminary review', final: false },
  correction: { label: 'Returned for correction', final: false },
  'expertReview.drawing': { label: 'Expert review', final: false },
  'expertReview.panelUnavailable': { label: 'Expert review', final: false },
  'expertReview.voting': { label: 'Expert review', final: false },
  'expertReview.votingOverdue': { label: 'Expert review', final: false },
  recheck: { label: 'Recheck', final: false },
  recommended: { label: 'Recommended; awaiting approval and public notice', final: false },
  onNotice: { label: 'On public notice', final: false },
  published: { label: 'Published in the directory', final: true },
  rejected: { label: 'Rejected', final: true },
  notRecommended: { label: 'Not recommended', final: true },
  withdrawn: { label: 'Withdrawn', final: true },
  removedByObjection: { label: 'Removed after an objection', final: true },
  cancelled: { label: 'Round cancelled', final: true },
};

/** Applicants see where their application is, not the panel's inner steps (R7.3 confidentiality). */
const applicantFacing = (code: string) => (code.startsWith('expertReview.') ? 'expertReview' : code);

export const applicationCase: CaseDefinition<ApplicationMachine, Snapshot> = {
  caseType: 'application',
  machine: applicationMachine,
  defaultRule: 'R7.2',
  commands: {
    CONFIRM_RECOMMENDATION: { title: 'Confirm the recommendation', rule: 'R7.2', payload: applicationPayloads.CONFIRM_RECOMMENDATION },
    DECLINE_RECOMMENDATION: { title: 'Decline the recommendation', rule: 'R7.2', payload: applicationPayloads.DECLINE_RECOMMENDATION },
    PASS_REVIEW: {
      title: 'Pass the preliminary review',
      rule: 'R7.3',
      payload: applicationPayloads.PASS_REVIEW,
      check: (p: ApplicationPayloads['PASS_REVIEW'], s): FieldError[] =>
        s.context.flags.length > 0 && !(p.reason ?? '').trim()
          ? [{ field: '/reason', message: `the application has ${s.context.flags.length} eligibility flag(s); passing it needs a written reason`, rule: 'R6' }]
          : [],
    },
    REJECT: { title: 'Reject the application', rule: 'R7.3', payload: applicationPayloads.REJECT },
    RETURN_FOR_CORRECTION: { title: 'Return for correction with a deadline', rule: 'R7.3', payload: applicationPayloads.RETURN_FOR_CORRECTION },
    SUBMIT_CORRECTION: { title: 'Submit the correction', rule: 'R7.3', payload: applicationPayloads.SUBMIT_CORRECTION },
    RETRY_DRAW: { title: 'Draw the panel again', rule: 'R7.3', payload: applicationPayloads.RETRY_DRAW },
    CAST_VOTE: { title: 'Vote', rule: 'R7.3', payload: applicationPayloads.CAST_VOTE },
    DECLINE_PANEL: { title: 'Decline to serve', rule: 'R7.3', payload: applicationPayloads.DECLINE_PANEL },
    DECLARE_CONFLICT: { title: 'Declare a conflict of interest (recusal)', rule: 'R7.3', payload: applicationPayloads.DECLARE_CONFLICT },
    EXTEND_VOTING: { title: 'Extend the voting period', rule: 'R7.3', payload: applicationPayloads.EXTEND_VOTING },
    CLOSE_VOTING: { title: 'Close voting with the votes cast', rule: 'R7.3', payload: applicationPayloads.CLOSE_VOTING },
    CONFIRM_RESULT: { title: 'Confirm the panel result', rule: 'R7.4', payload: applicationPayloads.CONFIRM_RESULT },
    OVERRULE: { title: 'Overrule the panel result, with the reason', rule: 'R7.4', payload: applicationPayloads.OVERRULE },
    WITHDRAW: {
      title: 'Withdraw the application',
      rule: 'R7.2',
      payload: applicationPayloads.WITHDRAW,
      allowed: (s) => (s.context.outcome ? [] : [applicant(s.context)]),
    },
  },
  tasks(snapshot) {
    const ctx = snapshot.context;
    const leaf = leafState(snapshot.value);
    const name = `${ctx.institution.name} — ${ctx.occupation.name}`;
    const voteTasks = (): TaskSpec[] =>
      pendingVoters(ctx).map((m) => ({
        key: `vote-${m.expertId}`,
        step: 'application.vote',
        title: `Expert review: ${ctx.occupation.name} (${ctx.occupation.code})`,
        rule: 'R7.3',
        assignee: expertAssignee(m.expertId),
        actions: ['CAST_VOTE', 'DECLINE_PANEL', 'DECLARE_CONFLICT'],
        deadline: 'votingDue',
        remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('votingReminder')),
      }));
    switch (leaf) {
      case 'recommendation':
        return [{ key: 'recommend', step: 'application.recommend', title: `Confirm the recommendation of ${name}`, rule: 'R7.2', assignee: recommenderOfficer(ctx), actions: ['CONFIRM_RECOMMENDATION', 'DECLINE_RECOMMENDATION'], deadline: 'recommendationDue', remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('recommendationReminder')) }];
      case 'preliminaryReview':
        return [{ key: `review-${ctx.corrections.length + 1}`, step: 'application.preliminaryReview', title: `Preliminary review of ${name}${ctx.flags.length ? ` (${ctx.flags.length} eligibility flag(s))` : ''}`, rule: 'R7.3', assignee: organiserOfficer(ctx), actions: ['PASS_REVIEW', 'REJECT', 'RETURN_FOR_CORRECTION'], deadline: 'reviewDue', remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('reviewReminder')) }];
      case 'correction':
        return [{ key: `correct-${ctx.corrections.length}`, step: 'application.correct', title: `Correct the application for ${ctx.occupation.name}`, rule: 'R7.3', assignee: applicant(ctx), actions: ['SUBMIT_CORRECTION'], deadline: 'correctionDue' }];
      case 'expertReview.panelUnavailable':
        return [{ key: `draw-${ctx.panel.length}`, step: 'application.redraw', title: `The expert pool cannot fill the panel for ${name}`, rule: 'R7.3', assignee: organiserOfficer(ctx), actions: ['RETRY_DRAW'] }];
      case 'expertReview.voting':
        return voteTasks();
      case 'expertReview.votingOverdue':
        return [...voteTasks(), { key: `votingOverdue-${ctx.reminders.length}`, step: 'application.votingOverdue', title: `Voting overdue for ${name}`, rule: 'R7.3', assignee: organiserOfficer(ctx), actions: ['EXTEND_VOTING', 'CLOSE_VOTING'] }];
      case 'recheck':
        return [{ key: 'recheck', step: 'application.recheck', title: `Recheck the panel result for ${name}`, rule: 'R7.4', assignee: organiserOfficer(ctx), actions: ['CONFIRM_RESULT', 'OVERRULE'], deadline: 'recheckDue', remindersSent: ctx.reminders.filter((r) => r.deadline.startsWith('recheckReminder')) }];
      default:
        return [];
    }
  },
  status(snapshot) {
    const code = applicantFacing(leafState(snapshot.value));
    const s = statuses[leafState(snapshot.value)] ?? { label: code, final: false };
    return { code, label: s.label, final: s.final };
  },
  parties: (s) => [applicant(s.context).unit, s.context.recommender],
  confidentialEvents: ['panel.drawn', 'panel.drawFailed', 'RETRY_DRAW', 'CAST_VOTE', 'DECLINE_PANEL', 'DECLARE_CONFLICT', 'EXTEND_VOTING', 'CLOSE_VOTING'],
  signals: ['round.listApproved', 'round.objectionUpheld', 'round.published', 'round.cancelled'],
  owner: (snapshot) => snapshot.context.organiser,
  summary(snapshot) {
    const ctx = snapshot.context;
    return {
      roundId: ctx.roundId,
      kind: ctx.kind,
      institution: ctx.institution,
      occupation: ctx.occupation,
      recommender: ctx.recommender as Unit,
      priority: ctx.priority,
      flags: ctx.flags,
      outcome: ctx.outcome ?? null,
    };
  },
};
