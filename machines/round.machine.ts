/**
 * The selection round (遴选批次): one selection notice and all applications under it — R7.2 to R7.5,
 * run by the national group for evaluation institutions, or by one province for training institutions
 * (R8.1: the same machine, parameterised by `kind` and `organiser`; R8.3 after publication).
 *
 * Applications are accepted until the notice's window closes (R7.2); each goes through its own case
 * (recommendation, preliminary review, expert review, recheck) and tells the round when it has settled
 * (recommended or not) or ended. When every application has, the organiser's leader approves the proposed
 * list (R7.4 报批); the list is put to public notice for 5 working days (R7.4 公示), during which anyone may
 * file an objection; publication waits until every objection is resolved (R7.4 Decision), then the round
 * tells each listed application it is published (R7.5 / R5). The round signals its applications with the
 * host's `signalCase` action; it never reads a clock (event times are stamped by the host).
 */
import { and, assign, enqueueActions, setup } from 'xstate';
import { escalationTarget, sameAssignee, type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline } from '../rules/calendar/index.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { policy } from '../rules/policy.js';
import type { EligibilityFlag } from '../rules/selection/eligibility.js';
import { compareApplications, type RankedApplication } from '../rules/selection/intake.js';
import { PRIORITY_CATEGORIES, selectionPolicy, type PriorityCategory } from '../rules/selection/policy.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, NotificationRequest, ReminderRecord, SignalCaseRequest } from './kit.js';
import type { ApplicationWindow } from './selectionPlan.machine.js';
import { deadlineIs, reminderOf, stepDeadlines, withDeadlines, withReminder } from './steps.js';

export type { SignalCaseRequest } from './kit.js';

/** The selection notice the round runs under (R7.1), as published by its selection plan. */
export interface RoundNotice {
  documentNumber: string;
  occupations: Occupation[];
  applicationWindow: ApplicationWindow;
}

export interface RoundInput {
  caseId: string;
  kind: Kind;
  /** `national` for evaluation (R7), `province:<code>` for training (R8.1). */
  organiser: Unit;
  /** The selection plan case whose notice opened this round. */
  planId: string;
  notice: RoundNotice;
  createdBy: Principal;
  createdAt: string;
}

/** Where an application stands, as far as the round knows: `open` until its case settles or ends. */
export type ApplicationStatus = 'open' | 'recommended' | 'notRecommended' | 'ended';

export interface RegisteredApplication {
  status: ApplicationStatus;
  /** R7.0 / R8.2 priority category. */
  priority: string;
  /** How many R6 eligibility flags it carries (fewer ranks first). */
  flags: number;
  institutionId?: string;
  occupationCode?: string;
  /** When the host registered it: its submission time for the list's order. */
  registeredAt: string;
  /** Why it left the round when `status` is `ended`: its own case ended (withdrawn, rejected), or an upheld objection. */
  endedBy?: 'applicationEnded' | 'objectionUpheld';
}

export interface Objection {
  /** `objection-<n>`, numbered in filing order. */
  id: string;
  /** The application (case id) objected to: one on the list under public notice. */
  application: string;
  text: string;
  filedAt: string;
  /** How to reach the objector, if given. Confidential: never in summaries or notifications. */
  contact?: string;
  status: 'open' | 'upheld' | 'dismissed';
  decision?: { reason: string; by: Principal; at: string };
}

/** A decision on the proposed list (R7.4 报批), and the officer's resubmissions after a return. */
export interface ListDecision {
  revision: number;
  decision: 'approved' | 'returned' | 'resubmitted';
  comments: string;
  by: Principal;
  at: string;
}

/** The R7.4 public-notice period: when it started and (from its deadline) when it ends. */
export interface PublicNoticePeriod {
  startedAt: string;
  /** End of the last day, from the `noticeEnds` deadline (kept after the deadline leaves context). */
  endsAt?: string;
  endDate?: string;
  provisional?: boolean;
  /** When the round left the notice (its end, or a cancellation). */
  endedAt?: string;
}

export interface RoundContext extends RoundInput {
  /** By application case id. Counts per status are derived (`applicationCounts`), never stored. */
  applications: Record<string, RegisteredApplication>;
  /** The proposed list: application case ids, in R7.0 / R8.2 order. Set when every application has settled. */
  list: string[];
  /** 1 for the first proposed list; each resubmission after a return adds one. */
  listRevision: number;
  decisions: ListDecision[];
  objections: Objection[];
  publicNotice?: PublicNoticePeriod;
  publishedAt?: string;
  cancellation?: { reason: string; by: Principal; at: string };
  /** Set on entering a final state: how and when the round ended. */
  outcome?: { code: 'published' | 'closedWithoutApplications' | 'closedWithoutRecommendations' | 'cancelled'; at: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
}

export type RoundCommand =
  | { type: 'SUBMIT_LIST'; comments: string }
  | { type: 'APPROVE_LIST'; comments?: string }
  | { type: 'RETURN_LIST'; comments: string }
  | { type: 'FILE_OBJECTION'; application: string; text: string; contact?: string }
  | { type: 'UPHOLD_OBJECTION'; objectionId: string; reason: string }
  | { type: 'DISMISS_OBJECTION'; objectionId: string; reason: string }
  | { type: 'CANCEL_ROUND'; reason: string };

/** Events from the host (a started application) and from the application cases (signals between cases). */
export type RoundSystemEvent =
  | { type: 'application.registered'; application: string; priority: string; flags: number; institutionId?: string; occupationCode?: string }
  | { type: 'application.settled'; application: string; recommended: boolean; priority: string; flags: number }
  | { type: 'application.ended'; application: string; recommended?: boolean; priority?: string; flags?: number };

export type RoundEvent = ((RoundCommand | RoundSystemEvent) & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

/** The organiser's officers: they run the round, resubmit a returned list, decide objections, cancel. */
export const organiserOfficer = (ctx: Pick<RoundContext, 'organiser'>): Assignee => ({ role: 'officer', unit: ctx.organiser });
/** The organiser's leader, who approves the proposed list (R7.4 报批). */
export const approver = (ctx: Pick<RoundContext, 'organiser'>): Assignee => ({ role: 'leader', unit: ctx.organiser });
/** R8.3: a province reports its published list to the national group. */
export const nationalGroupOfficer: Assignee = { role: 'officer', unit: 'national' };

type Ctx = Pick<RoundContext, 'applications'>;

/** How many applications are at each stage (derived from the registered applications). */
export function applicationCounts(ctx: Ctx): Record<'registered' | ApplicationStatus, number> {
  const all = Object.values(ctx.applications);
  const count = (s: ApplicationStatus) => all.filter((a) => a.status === s).length;
  return { registered: all.length, open: count('open'), recommended: count('recommended'), notRecommended: count('notRecommended'), ended: count('ended') };
}

/** Applications whose own case is still running: they get the round's `round.cancelled`. */
export const liveApplications = (ctx: Ctx): string[] =>
  Object.entries(ctx.applications)
    .filter(([, a]) => a.status === 'open' || a.status === 'recommended')
    .map(([id]) => id);

export const isListed = (ctx: Pick<RoundContext, 'list'>, application: string): boolean => ctx.list.includes(application);
export const openObjections = (ctx: Pick<RoundContext, 'objections'>): Objection[] => ctx.objections.filter((o) => o.status === 'open');
export const openObjection = (ctx: Pick<RoundContext, 'objections'>, id: string): Objection | undefined =>
  ctx.objections.find((o) => o.id === id && o.status === 'open');

const categoryOf = (priority: string): PriorityCategory =>
  (PRIORITY_CATEGORIES as readonly string[]).includes(priority) ? (priority as PriorityCategory) : 'other';

/** `compareApplications` ranks by the number of R6 flags only; the round knows the count, not the flags. */
const flagsOfCount = (n: number): EligibilityFlag[] =>
  Array.from({ length: n }, () => ({ rule: 'R6.1', check: 'registeredScope', reason: 'counted by the application case' }) as EligibilityFlag);

/**
 * R7.4 the proposed list: every application settled as recommended, in R7.0 (evaluation) / R8.2 (training)
 * order — priority tier, then fewer R6 flags, then earlier submission, then case id.
 */
export function proposedList(ctx: Pick<RoundContext, 'kind' | 'applications'>): string[] {
  const rank = (id: string, a: RegisteredApplication): RankedApplication => ({
    kind: ctx.kind,
    category: categoryOf(a.priority),
    flags: flagsOfCount(a.flags),
    submittedAt: a.registeredAt,
    id,
  });
  return Object.entries(ctx.applications)
    .filter(([, a]) => a.status === 'recommended')
    .map(([id, a]) => ({ id, ranked: rank(id, a) }))
    .sort((x, y) => compareApplications(x.ranked, y.ranked))
    .map((x) => x.id);
}

/** The public-notice period with its end from the live deadline while it runs, or as recorded after. */
export function noticePeriodOf(ctx: Pick<RoundContext, 'publicNotice' | 'deadlines'>): PublicNoticePeriod | undefined {
  if (!ctx.publicNotice) return undefined;
  const d = ctx.deadlines.noticeEnds;
  return d ? { ...ctx.publicNotice, endsAt: d.at, endDate: d.date, provisional: d.provisional } : ctx.publicNotice;
}

/** A listed application as named in messages: its case id with the institution and occupation when known. */
export function describeApplication(ctx: Ctx, id: string): string {
  const a = ctx.applications[id];
  const parts = [a?.institutionId && `institution ${a.institutionId}`, a?.occupationCode && `occupation ${a.occupationCode}`].filter(Boolean);
  return parts.length > 0 ? `${id} (${parts.join(', ')})` : id;
}

/** Each recipient once (at the top, the national leader's escalation target is the national leader). */
const notifyParams = (to: Assignee[], template: string, subject: string, body: string, rule: string): NotificationRequest => ({
  to: to.filter((a, i) => to.findIndex((b) => sameAssignee(a, b)) === i),
  template,
  subject,
  body,
  rule,
});
const roundName = (ctx: RoundContext) => `${ctx.notice.documentNumber} (${ctx.kind})`;
const signal = (caseId: string, event: SignalCaseRequest['event']) => ({ type: 'signalCase' as const, params: { caseId, event } satisfies SignalCaseRequest });

/** R7.5: the application of the upheld objection is told; its case ends (removedByObjection). */
const signalObjectionUpheld = {
  type: 'signalCase' as const,
  params: ({ context, event }: { context: RoundContext; event: RoundEvent }): SignalCaseRequest => {
    const o = event.type === 'UPHOLD_OBJECTION' ? openObjection(context, event.objectionId) : undefined;
    return {
      caseId: o?.application ?? '',
      event: { type: 'round.objectionUpheld', objectionId: o?.id ?? '', reason: event.type === 'UPHOLD_OBJECTION' ? event.reason : '' },
    };
  },
};

/** Is the instant `at` no later than the deadline `name` in context? Unknown deadline: its state still runs, so yes. */
const notAfter = (ctx: RoundContext, name: string, at: string) => {
  const d = ctx.deadlines[name];
  return d === undefined || Date.parse(at) <= Date.parse(d.at);
};

export const roundMachine = setup({
  types: {
    context: {} as RoundContext,
    events: {} as RoundEvent,
    input: {} as RoundInput,
  },
  actions: {
    /** Host: compute these deadlines with the calendar activity and answer with `deadlines.set`. */
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    /** Host: put this message in the outbox. */
    notify: (_, _params: NotificationRequest) => {},
    /** Host: send this event to another case (an application). */
    signalCase: (_, _params: SignalCaseRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    clearDeadlines: assign({ deadlines: () => ({}) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    registerApplication: assign({
      applications: ({ context, event }) =>
        event.type === 'application.registered'
          ? {
              ...context.applications,
              [event.application]: {
                status: 'open' as const,
                priority: event.priority,
                flags: event.flags,
                registeredAt: event.at,
                ...(event.institutionId === undefined ? {} : { institutionId: event.institutionId }),
                ...(event.occupationCode === undefined ? {} : { occupationCode: event.occupationCode }),
              },
            }
          : context.applications,
    }),
    settleApplication: assign({
      applications: ({ context, event }) => {
        if (event.type !== 'application.settled') return context.applications;
        const a = context.applications[event.application]!;
        return {
          ...context.applications,
          [event.application]: { ...a, status: event.recommended ? ('recommended' as const) : ('notRecommended' as const), priority: event.priority, flags: event.flags },
        };
      },
    }),
    /** Its own case ended (withdrawn, rejected): it leaves the round and, if listed, the list. */
    endApplication: assign(({ context, event }) => {
      if (event.type !== 'application.ended') return {};
      const a = context.applications[event.application]!;
      return {
        applications: { ...context.applications, [event.application]: { ...a, status: 'ended' as const, endedBy: 'applicationEnded' as const } },
        list: context.list.filter((id) => id !== event.application),
      };
    }),
    proposeList: assign({ list: ({ context }) => proposedList(context), listRevision: () => 1 }),
    fileObjection: assign({
      objections: ({ context, event }) =>
        event.type === 'FILE_OBJECTION'
          ? [
              ...context.objections,
              {
                id: `objection-${context.objections.length + 1}`,
                application: event.application,
                text: event.text,
                filedAt: event.at,
                status: 'open' as const,
                ...(event.contact === undefined ? {} : { contact: event.contact }),
              },
            ]
          : context.objections,
    }),
    /** R7.5: an upheld objection takes its application off the list; its case ends (removedByObjection). */
    upholdObjection: assign(({ context, event }) => {
      if (event.type !== 'UPHOLD_OBJECTION') return {};
      const objection = openObjection(context, event.objectionId)!;
      const listed = isListed(context, objection.application);
      const a = context.applications[objection.application];
      return {
        objections: context.objections.map((o) =>
          o.id === objection.id ? { ...o, status: 'upheld' as const, decision: { reason: event.reason, by: event.actor, at: event.at } } : o,
        ),
        list: context.list.filter((id) => id !== objection.application),
        applications:
          listed && a ? { ...context.applications, [objection.application]: { ...a, status: 'ended' as const, endedBy: 'objectionUpheld' as const } } : context.applications,
      };
    }),
    dismissObjection: assign({
      objections: ({ context, event }) =>
        event.type === 'DISMISS_OBJECTION'
          ? context.objections.map((o) =>
              o.id === event.objectionId && o.status === 'open' ? { ...o, status: 'dismissed' as const, decision: { reason: event.reason, by: event.actor, at: event.at } } : o,
            )
          : context.objections,
    }),
    /** Records how the round ended (entry of every final state). */
    closeWith: assign({ outcome: ({ event }, params: { code: NonNullable<RoundContext['outcome']>['code'] }) => ({ code: params.code, at: event.at }) }),
    /** Keeps the notice's end after its deadline leaves context, for the summary. */
    recordNoticeEnd: assign({
      publicNotice: ({ context, event }) => (context.publicNotice ? { ...noticePeriodOf(context)!, endedAt: event.at } : undefined),
    }),
  },
  guards: {
    /**
     * The round has not ended. Root-level transitions need it: XState's pure `transition()` still takes a
     * root transition from a snapshot in a final state, and signals from other cases may arrive after the end.
     */
    isRunning: ({ context }) => context.outcome === undefined,
    applicationWindowCloses: deadlineIs('applicationWindowCloses'),
    /** R7.2: accepted until 24:00 of the window's last day, even if the host's timer has not fired yet. */
    beforeWindowCloses: ({ context, event }) => 'at' in event && notAfter(context, 'applicationWindowCloses', event.at),
    isNewApplication: ({ context, event }) => event.type === 'application.registered' && context.applications[event.application] === undefined,
    isOpenApplication: ({ context, event }) => event.type === 'application.settled' && context.applications[event.application]?.status === 'open',
    isLiveApplication: ({ context, event }) => {
      if (event.type !== 'application.ended') return false;
      const status = context.applications[event.application]?.status;
      return status === 'open' || status === 'recommended';
    },
    noApplications: ({ context }) => Object.keys(context.applications).length === 0,
    allSettled: ({ context }) => applicationCounts(context).open === 0,
    noneRecommended: ({ context }) => applicationCounts(context).recommended === 0,
    listApprovalDue: deadlineIs('listApprovalDue'),
    listApprovalReminder: reminderOf('listApproval'),
    noticeEnds: deadlineIs('noticeEnds'),
    /** R7.4 Decision: objections may be filed until 24:00 of the notice's last day. */
    beforeNoticeEnds: ({ context, event }) => 'at' in event && notAfter(context, 'noticeEnds', event.at),
    /** R7.4: an objection concerns an application on the list under public notice. */
    objectsToListed: ({ context, event }) => event.type === 'FILE_OBJECTION' && isListed(context, event.application),
    objectionOpen: ({ context, event }) =>
      (event.type === 'UPHOLD_OBJECTION' || event.type === 'DISMISS_OBJECTION') && openObjection(context, event.objectionId) !== undefined,
    /** The objection's application is still listed (another objection against it may already have been upheld). */
    objectionOnList: ({ context, event }) => {
      if (event.type !== 'UPHOLD_OBJECTION') return false;
      const o = openObjection(context, event.objectionId);
      return o !== undefined && isListed(context, o.application);
    },
    hasOpenObjections: ({ context }) => openObjections(context).length > 0,
    noOpenObjections: ({ context }) => openObjections(context).length === 0,
  },
}).createMachine({
  id: 'round',
  context: ({ input }) => ({
    caseId: input.caseId,
    kind: input.kind,
    organiser: input.organiser,
    planId: input.planId,
    notice: input.notice,
    createdBy: input.createdBy,
    createdAt: input.createdAt,
    applications: {},
    list: [],
    listRevision: 0,
    decisions: [],
    objections: [],
    deadlines: {},
    reminders: [],
  }),
  initial: 'accepting',
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
    /** An application's case settled (R7.4 复核 done): recommended, or not. */
    'application.settled': { guard: and(['isRunning', 'isOpenApplication']), actions: 'settleApplication' },
    /** An application's case ended without settling (withdrawn, rejected), at any time before publication. */
    'application.ended': { guard: and(['isRunning', 'isLiveApplication']), actions: 'endApplication' },
    /** The organiser cancels the round from any non-final state: every live application ends with the reason. */
    CANCEL_ROUND: {
      guard: 'isRunning',
      target: '.cancelled',
      actions: [
        enqueueActions(({ context, event, enqueue }) => {
          if (event.type !== 'CANCEL_ROUND') return;
          for (const id of liveApplications(context)) enqueue(signal(id, { type: 'round.cancelled', reason: event.reason }));
        }),
        assign({ cancellation: ({ event }) => (event.type === 'CANCEL_ROUND' ? { reason: event.reason, by: event.actor, at: event.at } : undefined) }),
      ],
    },
  },
  states: {
    accepting: {
      description: 'R7.2: applications are accepted until the selection notice\'s window closes at 24:00 of its last day.',
      entry: {
        type: 'requestDeadlines',
        params: ({ context }) => ({
          due: { name: 'applicationWindowCloses', rule: 'R7.2', from: context.notice.applicationWindow.closes, offset: { calendarDays: 0 }, time: 'endOfDay' as const },
          reminders: [],
        }),
      },
      exit: 'clearDeadlines',
      on: {
        'application.registered': { guard: and(['isNewApplication', 'beforeWindowCloses']), actions: 'registerApplication' },
        'deadline.reached': { guard: 'applicationWindowCloses', target: 'reviewing' },
      },
    },
    reviewing: {
      description:
        'R7.3–R7.4: every application goes through its own case (preliminary review, expert review, recheck); the round waits until each has settled or ended.',
      always: [
        { guard: 'noApplications', target: 'closedWithoutApplications' },
        { guard: and(['allSettled', 'noneRecommended']), target: 'closedWithoutRecommendations' },
        { guard: 'allSettled', target: 'approval', actions: 'proposeList' },
      ],
    },
    approval: {
      description:
        'R7.4 报批: the organiser\'s leader approves the proposed list, or returns it with comments for the organiser to recheck and submit again.',
      initial: 'awaitingLeader',
      states: {
        awaitingLeader: {
          entry: [
            { type: 'requestDeadlines', params: ({ event }) => stepDeadlines('listApproval', policy.round.listApproval, event.at) },
            {
              type: 'notify',
              params: ({ context }) =>
                notifyParams(
                  [approver(context)],
                  'round.listSubmitted',
                  `Proposed list for approval: ${roundName(context)}`,
                  `Revision ${context.listRevision} of the proposed list (${context.list.length} application(s), in priority order) awaits your approval before its public notice (R7.4).`,
                  'R7.4',
                ),
            },
          ],
          exit: 'clearDeadlines',
          on: {
            APPROVE_LIST: {
              target: '#round.publicNotice',
              actions: assign({
                decisions: ({ context, event }) => [
                  ...context.decisions,
                  { revision: context.listRevision, decision: 'approved' as const, comments: event.comments ?? '', by: event.actor, at: event.at },
                ],
              }),
            },
            RETURN_LIST: {
              target: 'returned',
              actions: [
                assign({
                  decisions: ({ context, event }) => [
                    ...context.decisions,
                    { revision: context.listRevision, decision: 'returned' as const, comments: event.comments, by: event.actor, at: event.at },
                  ],
                }),
                {
                  type: 'notify',
                  params: ({ context, event }) =>
                    notifyParams(
                      [organiserOfficer(context)],
                      'round.listReturned',
                      `Proposed list returned: ${roundName(context)}`,
                      `Revision ${context.listRevision} was returned with comments: ${event.comments} (R7.4). Recheck it and submit it again.`,
                      'R7.4',
                    ),
                },
              ],
            },
            'deadline.reached': [
              {
                guard: 'listApprovalReminder',
                actions: [
                  'recordReminder',
                  {
                    type: 'notify',
                    params: ({ context }) =>
                      notifyParams([approver(context)], 'round.listApprovalReminder', `Reminder: approve the proposed list of ${roundName(context)}`, `Due ${context.deadlines.listApprovalDue?.date ?? ''} (R7.4).`, 'R7.4'),
                  },
                ],
              },
              {
                guard: 'listApprovalDue',
                actions: [
                  'recordReminder',
                  {
                    type: 'notify',
                    params: ({ context }) =>
                      notifyParams(
                        [escalationTarget(approver(context)), approver(context)],
                        'round.listApprovalOverdue',
                        `Overdue: approval of the proposed list of ${roundName(context)}`,
                        `The approval was due ${context.deadlines.listApprovalDue?.date ?? ''} and has not been given (R7.4).`,
                        'R7.4',
                      ),
                  },
                ],
              },
            ],
          },
        },
        returned: {
          description: 'R7.4: the leader returned the list; the organiser\'s officer rechecks it and submits it again.',
          on: {
            SUBMIT_LIST: {
              target: 'awaitingLeader',
              actions: assign({
                listRevision: ({ context }) => context.listRevision + 1,
                decisions: ({ context, event }) => [
                  ...context.decisions,
                  { revision: context.listRevision + 1, decision: 'resubmitted' as const, comments: event.comments, by: event.actor, at: event.at },
                ],
              }),
            },
          },
        },
      },
    },
    publicNotice: {
      description:
        'R7.4 公示: the approved list is on public notice for 5 working days counted from the day after it is put up, until 24:00 of the last day; anyone may object to a listed application. The organiser upholds or dismisses each objection.',
      entry: [
        assign({ publicNotice: ({ event }) => ({ startedAt: event.at }) }),
        {
          type: 'requestDeadlines',
          params: ({ event }) => ({
            due: { name: 'noticeEnds', rule: 'R7.4', from: event.at, offset: { workingDays: selectionPolicy.publicNotice.workingDays }, time: 'endOfDay' as const },
            reminders: [],
          }),
        },
        enqueueActions(({ context, enqueue }) => {
          for (const id of context.list) enqueue(signal(id, { type: 'round.listApproved' }));
        }),
      ],
      exit: ['recordNoticeEnd', 'clearDeadlines'],
      on: {
        FILE_OBJECTION: {
          guard: and(['objectsToListed', 'beforeNoticeEnds']),
          actions: [
            'fileObjection',
            {
              type: 'notify',
              params: ({ context }) => {
                const o = context.objections.at(-1)!;
                return notifyParams(
                  [organiserOfficer(context)],
                  'round.objectionFiled',
                  `Objection filed: ${roundName(context)}`,
                  `${o.id} was filed against ${describeApplication(context, o.application)} during the public notice (R7.4). Uphold or dismiss it in your inbox.`,
                  'R7.4',
                );
              },
            },
          ],
        },
        UPHOLD_OBJECTION: [
          { guard: 'objectionOnList', actions: [signalObjectionUpheld, 'upholdObjection'] },
          { guard: 'objectionOpen', actions: 'upholdObjection' },
        ],
        DISMISS_OBJECTION: { guard: 'objectionOpen', actions: 'dismissObjection' },
        'deadline.reached': [
          { guard: and(['noticeEnds', 'hasOpenObjections']), target: 'resolvingObjections' },
          { guard: 'noticeEnds', target: 'publishing' },
        ],
      },
    },
    resolvingObjections: {
      description: 'R7.4 Decision: the notice has ended with objections open; publication waits until the organiser has decided every one.',
      entry: {
        type: 'notify',
        params: ({ context }) =>
          notifyParams(
            [organiserOfficer(context)],
            'round.objectionsOpen',
            `Public notice ended with open objections: ${roundName(context)}`,
            `${openObjections(context).length} objection(s) are still open; the list is published once each is upheld or dismissed (R7.4).`,
            'R7.4',
          ),
      },
      always: { guard: 'noOpenObjections', target: 'publishing' },
      on: {
        UPHOLD_OBJECTION: [
          { guard: 'objectionOnList', actions: [signalObjectionUpheld, 'upholdObjection'] },
          { guard: 'objectionOpen', actions: 'upholdObjection' },
        ],
        DISMISS_OBJECTION: { guard: 'objectionOpen', actions: 'dismissObjection' },
      },
    },
    publishing: {
      description:
        'R7.5 / R5: with no objection open, the applications remaining on the list are published (dated by this step); R8.3: a province reports its list to the national group.',
      entry: [
        assign({ publishedAt: ({ event }) => event.at }),
        enqueueActions(({ context, event, enqueue }) => {
          for (const id of context.list) enqueue(signal(id, { type: 'round.published', publishedAt: event.at }));
        }),
        enqueueActions(({ context, event, enqueue }) => {
          if (!context.organiser.startsWith('province:')) return;
          const lines = context.list.map((id, i) => `${i + 1}. ${describeApplication(context, id)}`);
          enqueue({
            type: 'notify',
            params: notifyParams(
              [nationalGroupOfficer],
              'round.listReported',
              `R8.3 report: ${context.organiser} published its ${context.kind} directory list (${context.notice.documentNumber})`,
              `${context.organiser} published ${context.list.length} listing(s) on ${event.at} (R8.3):\n${lines.join('\n') || '(none)'}`,
              'R8.3',
            ),
          });
        }),
      ],
      always: { target: 'published' },
    },
    published: {
      type: 'final',
      description: 'R7.5 / R5: the list is published; each listed application is in the directory.',
      entry: { type: 'closeWith', params: { code: 'published' } },
    },
    closedWithoutApplications: {
      type: 'final',
      description: 'R7.2: the window closed without a single application; the round ends.',
      entry: [
        { type: 'closeWith', params: { code: 'closedWithoutApplications' } },
        {
        type: 'notify',
        params: ({ context }) =>
          notifyParams(
            [organiserOfficer(context)],
            'round.closedWithoutApplications',
            `No applications: ${roundName(context)}`,
            `The application window closed on ${context.notice.applicationWindow.closes} without any application; the round is closed (R7.2).`,
            'R7.2',
          ),
        },
      ],
    },
    closedWithoutRecommendations: {
      type: 'final',
      description: 'R7.4: every application settled not recommended or ended: there is no list to approve or put to public notice.',
      entry: [
        { type: 'closeWith', params: { code: 'closedWithoutRecommendations' } },
        {
        type: 'notify',
        params: ({ context }) =>
          notifyParams(
            [organiserOfficer(context), approver(context)],
            'round.closedWithoutRecommendations',
            `No application recommended: ${roundName(context)}`,
            `None of the ${applicationCounts(context).registered} application(s) was recommended; the round is closed without a list (R7.4).`,
            'R7.4',
          ),
        },
      ],
    },
    cancelled: {
      type: 'final',
      description: 'The organiser cancelled the round; the reason is recorded and every live application ended with it.',
      entry: { type: 'closeWith', params: { code: 'cancelled' } },
    },
  },
});

export type RoundMachine = typeof roundMachine;
