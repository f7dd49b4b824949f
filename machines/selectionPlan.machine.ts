/**
 * The selection plan (遴选方案) and selection notice (遴选工作通知) — R7.1, and R8.1 for provinces.
 *
 * The organiser drafts a plan, submits it for approval (按程序报批); the responsible leader approves it
 * or returns it with comments; once approved, the organiser publishes the selection notice naming the
 * occupations, the application window and the requirements. Each waiting step has a due date with a
 * reminder; when it passes the step turns overdue and the level above gets an escalation (督办) task.
 */
import { assign, setup } from 'xstate';
import { escalationTarget, type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline } from '../rules/calendar/index.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { policy } from '../rules/policy.js';
import { deadlineIs, reminderOf, stepDeadlines, withDeadlines, withReminder } from './steps.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, NotificationRequest, ReminderRecord } from './kit.js';

export interface PlanDraft {
  title: string;
  /** Occupations the round is planned for. */
  occupations: Occupation[];
  /** What applicants must meet and submit (R6, R7.2). */
  requirements: string;
}

export interface ApplicationWindow {
  /** First day applications are accepted (Asia/Shanghai date). */
  opens: string;
  /** Last day applications are accepted, until 24:00 Asia/Shanghai. */
  closes: string;
}

export interface SelectionNotice {
  /** The notice's document number, e.g. 人社厅发〔2026〕12号. */
  documentNumber: string;
  occupations: Occupation[];
  applicationWindow: ApplicationWindow;
  requirements: string;
  publishedAt: string;
  publishedBy: Principal;
}

export interface Decision {
  revision: number;
  decision: 'approved' | 'returned';
  comments: string;
  by: Principal;
  at: string;
}

export interface Escalation {
  /** The deadline whose passing raised it. */
  deadline: string;
  to: Assignee;
  raisedAt: string;
  resolvedAt?: string;
  resolvedBy?: Principal;
  note?: string;
}

export interface SelectionPlanInput {
  caseId: string;
  kind: Kind;
  organiser: Unit;
  draft: PlanDraft;
  createdBy: Principal;
  createdAt: string;
}

export interface SelectionPlanContext {
  caseId: string;
  kind: Kind;
  organiser: Unit;
  draft: PlanDraft;
  /** Increments each time the plan is submitted. */
  revision: number;
  decisions: Decision[];
  notice?: SelectionNotice;
  cancellation?: { reason: string; by: Principal; at: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
  escalations: Escalation[];
  createdBy: Principal;
  createdAt: string;
}

export type SelectionPlanCommand =
  | { type: 'EDIT_DRAFT'; draft: PlanDraft }
  | { type: 'SUBMIT' }
  | { type: 'APPROVE'; comments?: string }
  | { type: 'RETURN'; comments: string }
  | { type: 'PUBLISH_NOTICE'; documentNumber: string; occupations: Occupation[]; applicationWindow: ApplicationWindow; requirements: string }
  | { type: 'RESOLVE_ESCALATION'; note: string }
  | { type: 'CANCEL'; reason: string };

export type SelectionPlanEvent = (SelectionPlanCommand & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

/** The assignee who approves: the organiser's leader (报批). */
export const approver = (ctx: Pick<SelectionPlanContext, 'organiser'>): Assignee => ({ role: 'leader', unit: ctx.organiser });
/** The assignee who drafts and publishes: the organiser's officers. */
export const organiserOfficer = (ctx: Pick<SelectionPlanContext, 'organiser'>): Assignee => ({ role: 'officer', unit: ctx.organiser });

export const selectionPlanMachine = setup({
  types: {
    context: {} as SelectionPlanContext,
    events: {} as SelectionPlanEvent,
    input: {} as SelectionPlanInput,
  },
  actions: {
    /** Host: compute these deadlines with the calendar activity and answer with `deadlines.set`. */
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    /** Host: put this message in the outbox. */
    notify: (_, _params: NotificationRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    clearDeadlines: assign({ deadlines: () => ({}) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    raiseEscalation: assign({
      escalations: ({ context, event }, params: { to: Assignee }) => [
        ...context.escalations,
        { deadline: (event as DeadlineReachedEvent).name, to: params.to, raisedAt: event.at },
      ],
    }),
    /** Leaving an overdue step settles its escalations: the work they chased is done (or moot). */
    closeEscalations: assign({
      escalations: ({ context, event }) =>
        context.escalations.map((e) => (e.resolvedAt ? e : { ...e, resolvedAt: (event as EventMeta).at, note: `step ended by ${event.type}` })),
    }),
    resolveEscalation: assign({
      escalations: ({ context, event }) =>
        context.escalations.map((e) =>
          e.resolvedAt || event.type !== 'RESOLVE_ESCALATION' ? e : { ...e, resolvedAt: event.at, resolvedBy: event.actor, note: event.note },
        ),
    }),
  },
  guards: {
    approvalDue: deadlineIs('approvalDue'),
    approvalReminder: reminderOf('approval'),
    noticeDue: deadlineIs('noticeDue'),
    noticeReminder: reminderOf('notice'),
    applicationWindowCloses: deadlineIs('applicationWindowCloses'),
    hasOpenEscalation: ({ context }) => context.escalations.some((e) => !e.resolvedAt),
  },
}).createMachine({
  id: 'selectionPlan',
  context: ({ input }) => ({
    caseId: input.caseId,
    kind: input.kind,
    organiser: input.organiser,
    draft: input.draft,
    revision: 0,
    decisions: [],
    deadlines: {},
    reminders: [],
    escalations: [],
    createdBy: input.createdBy,
    createdAt: input.createdAt,
  }),
  initial: 'drafting',
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
  },
  states: {
    drafting: {
      description: 'R7.1: the organiser drafts the selection plan.',
      on: {
        EDIT_DRAFT: { actions: assign({ draft: ({ event }) => event.draft }) },
        SUBMIT: {
          target: 'submitted',
          actions: assign({ revision: ({ context }) => context.revision + 1 }),
        },
        CANCEL: { target: 'cancelled' },
      },
    },
    submitted: {
      description: 'R7.1 按程序报批: waiting for the responsible leader to approve or return the plan.',
      initial: 'waiting',
      entry: [
        {
          type: 'requestDeadlines',
          params: ({ event }) => stepDeadlines('approval', policy.selectionPlan.approval, event.at),
        },
        {
          type: 'notify',
          params: ({ context }) => ({
            to: [approver(context)],
            template: 'selectionPlan.submitted',
            subject: `Selection plan submitted for approval: ${context.draft.title}`,
            body: `Revision ${context.revision} of the selection plan "${context.draft.title}" awaits your approval (R7.1).`,
            rule: 'R7.1',
          }),
        },
      ],
      exit: ['clearDeadlines', 'closeEscalations'],
      on: {
        APPROVE: {
          target: 'approved',
          actions: assign({
            decisions: ({ context, event }) => [
              ...context.decisions,
              { revision: context.revision, decision: 'approved' as const, comments: event.comments ?? '', by: event.actor, at: event.at },
            ],
          }),
        },
        RETURN: {
          target: 'drafting',
          actions: [
            assign({
              decisions: ({ context, event }) => [
                ...context.decisions,
                { revision: context.revision, decision: 'returned' as const, comments: event.comments, by: event.actor, at: event.at },
              ],
            }),
            {
              type: 'notify',
              params: ({ context, event }) => ({
                to: [organiserOfficer(context)],
                template: 'selectionPlan.returned',
                subject: `Selection plan returned: ${context.draft.title}`,
                body: `Revision ${context.revision} was returned with comments: ${event.comments}`,
                rule: 'R7.1',
              }),
            },
          ],
        },
        CANCEL: { target: 'cancelled' },
        'deadline.reached': [
          {
            guard: 'approvalReminder',
            actions: [
              'recordReminder',
              {
                type: 'notify',
                params: ({ context }) => ({
                  to: [approver(context)],
                  template: 'selectionPlan.approvalReminder',
                  subject: `Reminder: approve the selection plan "${context.draft.title}"`,
                  body: `The plan awaits approval; it is due ${context.deadlines.approvalDue?.date ?? ''} (R7.1).`,
                  rule: 'R7.1',
                }),
              },
            ],
          },
        ],
      },
      states: {
        waiting: {
          on: { 'deadline.reached': { guard: 'approvalDue', target: 'overdue' } },
        },
        overdue: {
          description: 'The approval is overdue (逾期): the level above has an escalation (督办) task.',
          entry: [
            { type: 'raiseEscalation', params: ({ context }) => ({ to: escalationTarget(approver(context)) }) },
            {
              type: 'notify',
              params: ({ context }) => ({
                to: [escalationTarget(approver(context)), approver(context)],
                template: 'selectionPlan.approvalOverdue',
                subject: `Overdue: approval of the selection plan "${context.draft.title}"`,
                body: `The approval was due ${context.deadlines.approvalDue?.date ?? ''} and has not been given (R7.1).`,
                rule: 'R7.1',
              }),
            },
          ],
          on: {
            RESOLVE_ESCALATION: { guard: 'hasOpenEscalation', actions: 'resolveEscalation' },
          },
        },
      },
    },
    approved: {
      description: 'R7.1: the plan is approved; the organiser publishes the selection notice.',
      initial: 'waiting',
      entry: {
        type: 'requestDeadlines',
        params: ({ event }) => stepDeadlines('notice', policy.selectionPlan.notice, event.at),
      },
      exit: ['clearDeadlines', 'closeEscalations'],
      on: {
        PUBLISH_NOTICE: {
          target: 'noticePublished',
          actions: assign({
            notice: ({ event }) => ({
              documentNumber: event.documentNumber,
              occupations: event.occupations,
              applicationWindow: event.applicationWindow,
              requirements: event.requirements,
              publishedAt: event.at,
              publishedBy: event.actor,
            }),
          }),
        },
        CANCEL: { target: 'cancelled' },
        'deadline.reached': [
          {
            guard: 'noticeReminder',
            actions: [
              'recordReminder',
              {
                type: 'notify',
                params: ({ context }) => ({
                  to: [organiserOfficer(context)],
                  template: 'selectionPlan.noticeReminder',
                  subject: `Reminder: publish the selection notice for "${context.draft.title}"`,
                  body: `The approved plan's notice is due ${context.deadlines.noticeDue?.date ?? ''} (R7.1).`,
                  rule: 'R7.1',
                }),
              },
            ],
          },
        ],
      },
      states: {
        waiting: {
          on: { 'deadline.reached': { guard: 'noticeDue', target: 'overdue' } },
        },
        overdue: {
          description: 'Publishing the notice is overdue: the level above has an escalation task.',
          entry: [
            { type: 'raiseEscalation', params: ({ context }) => ({ to: escalationTarget(organiserOfficer(context)) }) },
            {
              type: 'notify',
              params: ({ context }) => ({
                to: [escalationTarget(organiserOfficer(context)), organiserOfficer(context)],
                template: 'selectionPlan.noticeOverdue',
                subject: `Overdue: selection notice for "${context.draft.title}"`,
                body: `The notice was due ${context.deadlines.noticeDue?.date ?? ''} and has not been published (R7.1).`,
                rule: 'R7.1',
              }),
            },
          ],
          on: {
            RESOLVE_ESCALATION: { guard: 'hasOpenEscalation', actions: 'resolveEscalation' },
          },
        },
      },
    },
    noticePublished: {
      description: 'R7.1/R7.2: the selection notice is published; applications are accepted until its window closes.',
      entry: [
        {
          type: 'requestDeadlines',
          params: ({ context }) => ({
            due: { name: 'applicationWindowCloses', rule: 'R7.2', from: context.notice!.applicationWindow.closes, offset: { calendarDays: 0 }, time: 'endOfDay' as const },
            reminders: [],
          }),
        },
        {
          type: 'notify',
          params: ({ context }) => ({
            to: [{ role: 'officer' as const, unit: 'national' as const }, organiserOfficer(context)],
            template: 'selectionPlan.noticePublished',
            subject: `Selection notice published: ${context.notice?.documentNumber ?? ''}`,
            body: `Applications open ${context.notice?.applicationWindow.opens ?? ''} and close ${context.notice?.applicationWindow.closes ?? ''} at 24:00 (R7.1, R7.2).`,
            rule: 'R7.1',
          }),
        },
      ],
      on: {
        'deadline.reached': { guard: 'applicationWindowCloses', target: 'applicationWindowClosed' },
        CANCEL: { target: 'cancelled' },
      },
    },
    applicationWindowClosed: {
      description: 'R7.2: the application window has closed; the round proceeds to preliminary review (R7.3).',
      type: 'final',
      entry: {
        type: 'notify',
        params: ({ context }) => ({
          to: [organiserOfficer(context)],
          template: 'selectionPlan.applicationWindowClosed',
          subject: `Applications closed: ${context.notice?.documentNumber ?? ''}`,
          body: `The application window closed on ${context.notice?.applicationWindow.closes ?? ''} (R7.2).`,
          rule: 'R7.2',
        }),
      },
    },
    cancelled: {
      description: 'The organiser cancelled the plan; the reason is recorded.',
      type: 'final',
      entry: assign({
        cancellation: ({ event }) =>
          event.type === 'CANCEL' ? { reason: event.reason, by: event.actor, at: event.at } : undefined,
      }),
    },
  },
});

export type SelectionPlanMachine = typeof selectionPlanMachine;
