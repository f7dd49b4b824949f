/**
 * An incident (突发事件) at an evaluation institution (R11 (6)): "handled at once, recorded, and
 * reported to local HR, the industry department and the national group"; an overdue follow-up
 * escalates (R20 Decision, read for incidents).
 *
 * The holder of an active evaluation listing reports the incident (category, when it happened, what
 * happened, the measures taken at once). At once, local HR (the HR department of the institution's
 * province), the industry department (the listing's recommender when it is one, else its organiser)
 * and the national group are notified, and each acknowledges the report once (a task due by the end
 * of the next working day). The institution files a follow-up report — every version kept — by its
 * due date (10 working days); local HR reviews it: accepting it closes the incident, asking for more
 * reopens the follow-up with a new due date. No follow-up report by the due date escalates: an
 * overdue task one level up from local HR (the national group's officers), and still nothing 5
 * working days later, a second level (the national group's leaders). A late report may still be
 * filed and accepted. Local HR may at any time record that a rectification order should be issued
 * (R20.1: the order itself is started through the API by a department with authority), and close
 * the incident with a reason.
 *
 * Pure: no clock, no I/O. Deadlines are requested with `requestDeadlines` and come back as
 * `deadlines.set`; timers come as `deadline.reached`.
 */
import { assign, setup } from 'xstate';
import { type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline } from '../rules/calendar/deadline.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { escalationLadder, INCIDENT_CATEGORIES, incidentPolicy, industryDepartmentOf, localHrOf, reportedTo, type IncidentCategory } from '../rules/incident/policy.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, NotificationRequest, ReminderRecord } from './kit.js';
import { deadlineIs, notifyParams, stepDeadlines, withDeadlines, withReminder } from './steps.js';

export interface IncidentInput {
  caseId: string;
  /** The listing case the incident is about, and its directory id. */
  listingCaseId: string;
  listingId: string;
  kind: Kind;
  institution: { id: string; name: string; province: string };
  occupation: Occupation;
  organiser: Unit;
  recommender: Unit;
  category: IncidentCategory;
  /** ISO instant at which the incident happened (not after the report). */
  occurredAt: string;
  /** What happened. May name persons: never in the summary. */
  description: string;
  /** R11 (6) "handled at once": what the institution did at once. */
  measuresTaken: string;
  createdBy: Principal;
  createdAt: string;
}

export interface Acknowledgement {
  unit: Unit;
  note: string;
  by: Principal;
  at: string;
}

export interface FollowUpVersion {
  version: number;
  /** The follow-up round it answers (a new round after each `REQUEST_MORE`). */
  round: number;
  text: string;
  attachments: string[];
  submittedAt: string;
  by: Principal;
  /** Filed after the follow-up report was due (escalated). */
  late: boolean;
  review?: { accepted: boolean; reason: string; by: Principal; at: string };
}

export interface Escalation {
  round: number;
  level: number;
  at: string;
  to: Assignee;
}

export interface EscalationNote {
  round: number;
  level: number;
  note: string;
  by: Principal;
  at: string;
}

export type IncidentOutcome = 'followUpAccepted' | 'closed';

export interface IncidentContext extends IncidentInput {
  /** R11 (6): local HR, the industry department, the national group (each once). */
  departments: Unit[];
  localHr: Unit;
  industryDepartment: Unit;
  acknowledgements: Acknowledgement[];
  followUps: FollowUpVersion[];
  /** The current follow-up round: 1 at the report, +1 per `REQUEST_MORE`. */
  round: { n: number; startedAt: string; workingDays: number };
  escalations: Escalation[];
  escalationNotes: EscalationNote[];
  referral?: { rules: string[]; note: string; by: Principal; at: string };
  outcome?: { code: IncidentOutcome; reason: string; by: Principal; at: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
}

export type IncidentCommand =
  | { type: 'ACKNOWLEDGE'; note: string }
  | { type: 'SUBMIT_FOLLOW_UP'; text: string; attachments?: string[] }
  | { type: 'ACCEPT_FOLLOW_UP'; comments?: string }
  | { type: 'REQUEST_MORE'; reason: string; workingDays?: number }
  | { type: 'RECORD_ESCALATION'; level: number; note: string }
  | { type: 'REFER_FOR_RECTIFICATION'; rules: string[]; note: string }
  | { type: 'CLOSE_INCIDENT'; reason: string };

export type IncidentEvent = (IncidentCommand & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

export const holderOf = (ctx: Pick<IncidentContext, 'institution'>): Assignee => ({ role: 'institution', unit: `institution:${ctx.institution.id}` as Unit });
export const localHrOfficer = (ctx: Pick<IncidentContext, 'localHr'>): Assignee => ({ role: 'officer', unit: ctx.localHr });
export const departmentOfficers = (ctx: Pick<IncidentContext, 'departments'>): Assignee[] => ctx.departments.map((unit) => ({ role: 'officer', unit }));
/** The departments that have not acknowledged the report yet. */
export const pendingAcknowledgements = (ctx: Pick<IncidentContext, 'departments' | 'acknowledgements'>): Unit[] =>
  ctx.departments.filter((u) => !ctx.acknowledgements.some((a) => a.unit === u));
/** R20 Decision: the escalation ladder above local HR (level 1, level 2). */
export const escalationLevels = (ctx: Pick<IncidentContext, 'localHr'>): Assignee[] => escalationLadder(ctx.localHr);
/** The escalations of the current follow-up round. */
export const currentEscalations = (ctx: Pick<IncidentContext, 'escalations' | 'round'>): Escalation[] => ctx.escalations.filter((e) => e.round === ctx.round.n);

/** R11 (6): the follow-up report is due N working days from the start of its round, reminded the day before. */
export function followUpRequest(from: string, workingDays: number): DeadlineRequest {
  return stepDeadlines('followUp', { ...incidentPolicy.followUp, due: { workingDays } }, from);
}

const categoryLabel = (ctx: Pick<IncidentContext, 'category'>) => `${INCIDENT_CATEGORIES[ctx.category]} (${ctx.category})`;
const incidentName = (ctx: IncidentContext) => `${categoryLabel(ctx)} — ${ctx.institution.name}, ${ctx.occupation.name}`;
const dueText = (ctx: IncidentContext, name: string) => {
  const d = ctx.deadlines[name];
  return d ? `by 24:00 on ${d.date} (Asia/Shanghai)` : 'by its due date';
};
const reasonOf = (event: IncidentEvent): string =>
  'reason' in event && typeof event.reason === 'string' ? event.reason : 'comments' in event && typeof event.comments === 'string' ? event.comments : '';

const incidentSetup = setup({
  types: {
    context: {} as IncidentContext,
    events: {} as IncidentEvent,
    input: {} as IncidentInput,
  },
  actions: {
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    notify: (_, _params: NotificationRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    recordAcknowledgement: assign({
      acknowledgements: ({ context, event }) =>
        event.type === 'ACKNOWLEDGE' ? [...context.acknowledgements, { unit: event.actor.unit, note: event.note, by: event.actor, at: event.at }] : context.acknowledgements,
    }),
    appendFollowUp: assign({
      followUps: ({ context, event }, params: { late: boolean }) =>
        event.type === 'SUBMIT_FOLLOW_UP'
          ? [
              ...context.followUps,
              { version: context.followUps.length + 1, round: context.round.n, text: event.text, attachments: event.attachments ?? [], submittedAt: event.at, by: event.actor, late: params.late },
            ]
          : context.followUps,
    }),
    reviewFollowUp: assign({
      followUps: ({ context, event }) => {
        if (event.type !== 'ACCEPT_FOLLOW_UP' && event.type !== 'REQUEST_MORE') return context.followUps;
        const review = { accepted: event.type === 'ACCEPT_FOLLOW_UP', reason: reasonOf(event), by: event.actor, at: event.at };
        return context.followUps.map((v, i) => (i === context.followUps.length - 1 ? { ...v, review } : v));
      },
    }),
    recordEscalationNote: assign({
      escalationNotes: ({ context, event }) =>
        event.type === 'RECORD_ESCALATION'
          ? [...context.escalationNotes, { round: context.round.n, level: event.level, note: event.note, by: event.actor, at: event.at }]
          : context.escalationNotes,
    }),
  },
  guards: {
    /** R11 (6): each department reported to acknowledges once. */
    canAcknowledge: ({ context, event }) => event.type === 'ACKNOWLEDGE' && pendingAcknowledgements(context).includes(event.actor.unit),
    /** A reminder of the acknowledgement, while a department has not acknowledged (one falling before the report is skipped). */
    acknowledgementReminder: ({ context, event }) =>
      event.type === 'deadline.reached' &&
      event.name.startsWith('acknowledgementReminder') &&
      Date.parse(context.deadlines[event.name]?.at ?? '') > Date.parse(context.createdAt) &&
      pendingAcknowledgements(context).length > 0,
    /** A reminder of the follow-up report of this round (one falling before the round started is skipped). */
    followUpReminder: ({ context, event }) =>
      event.type === 'deadline.reached' && event.name.startsWith('followUpReminder') && Date.parse(context.deadlines[event.name]?.at ?? '') > Date.parse(context.round.startedAt),
    followUpDue: deadlineIs('followUpDue'),
    /** R20 Decision: still overdue 5 working days after the first level: the second level. */
    secondLevelDue: ({ context, event }) => deadlineIs('escalation2Due')({ event }) && currentEscalations(context).length === 1,
    /** An overdue task of this round's escalation not yet answered. */
    openEscalation: ({ context, event }) =>
      event.type === 'RECORD_ESCALATION' &&
      currentEscalations(context).some((e) => e.level === event.level) &&
      !context.escalationNotes.some((n) => n.round === context.round.n && n.level === event.level),
    notReferred: ({ context }) => context.referral === undefined,
  },
});

/** R11 (6) at the report: local HR, the industry department and the national group hear of it at once; the acknowledgement and follow-up deadlines. */
const open = incidentSetup.enqueueActions(({ context, enqueue }) => {
  enqueue({ type: 'requestDeadlines', params: stepDeadlines('acknowledgement', incidentPolicy.acknowledgement, context.createdAt) });
  enqueue({ type: 'requestDeadlines', params: followUpRequest(context.createdAt, context.round.workingDays) });
  enqueue({
    type: 'notify',
    params: notifyParams(
      departmentOfficers(context),
      'incident.reported',
      `Incident reported (R11): ${incidentName(context)}`,
      `${context.institution.name} reports an incident (${categoryLabel(context)}) that happened at ${context.occurredAt}, ` +
        `in its evaluation of ${context.occupation.name} (${context.occupation.code}). Measures taken at once: ${context.measuresTaken}. ` +
        `Acknowledge the report by the end of the next working day; the institution files its follow-up report within ` +
        `${context.round.workingDays} working days, reviewed by ${context.localHr} (R11).`,
      'R11',
    ),
  });
});

const remindAcknowledgement = incidentSetup.enqueueActions(({ context, enqueue }) => {
  enqueue('recordReminder');
  enqueue({
    type: 'notify',
    params: notifyParams(
      pendingAcknowledgements(context).map((unit) => ({ role: 'officer', unit })),
      'incident.acknowledgementReminder',
      `Acknowledge the incident report: ${incidentName(context)}`,
      `The incident report of ${context.institution.name} is to be acknowledged ${dueText(context, 'acknowledgementDue')} (R11).`,
      'R11',
    ),
  });
});

const remindFollowUp = incidentSetup.enqueueActions(({ context, enqueue }) => {
  enqueue('recordReminder');
  enqueue({
    type: 'notify',
    params: notifyParams(
      [holderOf(context)],
      'incident.reminder',
      `Follow-up report due ${context.deadlines.followUpDue?.date ?? ''}: ${incidentName(context)}`,
      `File the follow-up report of the incident ${dueText(context, 'followUpDue')} (R11); an overdue report is escalated (R20 Decision).`,
      'R11',
    ),
  });
});

/** R20 Decision: the follow-up report is overdue — an overdue task one level up (level 1), then the next (level 2). */
const escalate = (level: 1 | 2) =>
  incidentSetup.enqueueActions(({ context, event, enqueue }) => {
    const to = escalationLevels(context)[level - 1]!;
    enqueue.assign({ escalations: [...context.escalations, { round: context.round.n, level, at: event.at, to }] });
    if (level === 1) {
      enqueue({
        type: 'requestDeadlines',
        params: { due: { name: 'escalation2Due', rule: incidentPolicy.escalationRule, from: event.at, offset: incidentPolicy.secondLevelAfter, time: 'endOfDay' }, reminders: [] },
      });
    }
    enqueue({
      type: 'notify',
      params: notifyParams(
        [to, localHrOfficer(context), holderOf(context)],
        'incident.escalated',
        `Overdue incident follow-up (level ${level}): ${incidentName(context)}`,
        `The follow-up report was due ${dueText(context, 'followUpDue')} and has not been filed: escalated to ${to.role}@${to.unit} (R20 Decision, level ${level}).` +
          (level === 1 ? ` Still overdue after ${incidentPolicy.secondLevelAfter.workingDays} more working days, it escalates again.` : ''),
        incidentPolicy.escalationRule,
      ),
    });
  });

/** Local HR asks for more: a new follow-up round with a new due date of N working days (R11). */
const requestMore = incidentSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'REQUEST_MORE') return;
  const workingDays = event.workingDays ?? incidentPolicy.moreWorkingDays.default;
  const { escalation2Due: _stale, ...deadlines } = context.deadlines;
  enqueue.assign({ round: { n: context.round.n + 1, startedAt: event.at, workingDays }, deadlines });
  enqueue({ type: 'requestDeadlines', params: followUpRequest(event.at, workingDays) });
  enqueue({
    type: 'notify',
    params: notifyParams(
      [holderOf(context)],
      'incident.moreRequested',
      `More requested on the incident follow-up: ${incidentName(context)}`,
      `${context.localHr} asks for more (R11): ${event.reason}. File a new follow-up report within ${workingDays} working days.`,
      'R11',
    ),
  });
});

/** The incident is closed: the follow-up report accepted, or closed by local HR with a reason. */
const closeWith = (code: IncidentOutcome) =>
  incidentSetup.enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'ACCEPT_FOLLOW_UP' && event.type !== 'CLOSE_INCIDENT') return;
    const reason = reasonOf(event);
    enqueue.assign({ outcome: { code, reason, by: event.actor, at: event.at } });
    enqueue({
      type: 'notify',
      params: notifyParams(
        [holderOf(context), ...departmentOfficers(context)],
        `incident.${code}`,
        `Incident closed: ${incidentName(context)}`,
        code === 'followUpAccepted'
          ? `${context.localHr} accepted the follow-up report; the incident is closed (R11).`
          : `${context.localHr} closed the incident (R11)${reason ? `: ${reason}` : '.'}`,
        'R11',
      ),
    });
  });

/** R20.1: local HR records that a rectification order should be issued; the order itself is started through the API. */
const referForRectification = incidentSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'REFER_FOR_RECTIFICATION') return;
  enqueue.assign({ referral: { rules: event.rules, note: event.note, by: event.actor, at: event.at } });
  enqueue({
    type: 'notify',
    params: notifyParams(
      [{ role: 'officer', unit: context.industryDepartment }, { role: 'officer', unit: 'national' }],
      'incident.referredForRectification',
      `Rectification recommended after an incident: ${incidentName(context)}`,
      `${context.localHr} recommends a rectification order against ${context.institution.name} (${context.listingId}) for ${event.rules.join(', ')}: ${event.note}. ` +
        `A department with authority over the institution orders it (R20.1).`,
      'R20.1',
    ),
  });
});

export const incidentMachine = incidentSetup.createMachine({
  id: 'incident',
  context: ({ input }) => ({
    ...input,
    departments: reportedTo(input),
    localHr: localHrOf(input.institution.province),
    industryDepartment: industryDepartmentOf(input),
    acknowledgements: [],
    followUps: [],
    round: { n: 1, startedAt: input.createdAt, workingDays: incidentPolicy.followUp.due.workingDays },
    escalations: [],
    escalationNotes: [],
    deadlines: {},
    reminders: [],
  }),
  initial: 'reported',
  entry: open,
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
    /** R11 (6): local HR, the industry department and the national group each acknowledge the report once. */
    ACKNOWLEDGE: { guard: 'canAcknowledge', actions: 'recordAcknowledgement' },
    'deadline.reached': { guard: 'acknowledgementReminder', actions: remindAcknowledgement },
    /** R20.1: a rectification order should be issued (recorded once; the order is started through the API). */
    REFER_FOR_RECTIFICATION: { guard: 'notReferred', actions: referForRectification },
    /** Local HR closes the incident with a reason, whatever the follow-up. */
    CLOSE_INCIDENT: { target: '.closed', actions: closeWith('closed') },
  },
  states: {
    reported: {
      description: 'R11 (6): reported; the departments acknowledge; the institution files its follow-up report by its due date; local HR reviews each version.',
      initial: 'awaitingFollowUp',
      states: {
        awaitingFollowUp: {
          on: {
            SUBMIT_FOLLOW_UP: { target: 'underReview', actions: [{ type: 'appendFollowUp', params: { late: false } }, { type: 'requestDeadlines', params: ({ event }) => reviewRequest(event.at) }] },
            'deadline.reached': [
              { guard: 'followUpReminder', actions: remindFollowUp },
              { guard: 'followUpDue', target: '#incident.escalated', actions: escalate(1) },
            ],
          },
        },
        underReview: {
          description: 'R11: local HR reviews the latest follow-up report (a task with a due date); the due date waits for its answer.',
          on: {
            ACCEPT_FOLLOW_UP: { target: '#incident.closed', actions: ['reviewFollowUp', closeWith('followUpAccepted')] },
            REQUEST_MORE: { target: 'awaitingFollowUp', actions: ['reviewFollowUp', requestMore] },
          },
        },
      },
    },
    escalated: {
      description: 'R20 Decision: the follow-up report is overdue; level 1 (one level up from local HR), then level 2 after 5 more working days; a late report may still be filed and accepted.',
      initial: 'waiting',
      states: {
        waiting: {
          on: {
            SUBMIT_FOLLOW_UP: { target: 'lateReview', actions: [{ type: 'appendFollowUp', params: { late: true } }, { type: 'requestDeadlines', params: ({ event }) => reviewRequest(event.at) }] },
            'deadline.reached': { guard: 'secondLevelDue', actions: escalate(2) },
          },
        },
        lateReview: {
          on: {
            ACCEPT_FOLLOW_UP: { target: '#incident.closed', actions: ['reviewFollowUp', closeWith('followUpAccepted')] },
            REQUEST_MORE: { target: '#incident.reported.awaitingFollowUp', actions: ['reviewFollowUp', requestMore] },
          },
        },
      },
      on: {
        RECORD_ESCALATION: { guard: 'openEscalation', actions: 'recordEscalationNote' },
      },
    },
    closed: { type: 'final', description: 'R11: closed — the follow-up report accepted, or closed by local HR with a reason.' },
  },
});

/** Local HR's review of one follow-up version is due within the review period (a task with a due date). */
function reviewRequest(at: string): DeadlineRequest {
  return { due: { name: 'reviewDue', rule: 'R11', from: at, offset: incidentPolicy.review, time: 'endOfDay' }, reminders: [] };
}

export type IncidentMachine = typeof incidentMachine;
