/**
 * One application (申报): an institution × occupation in a selection round — R7.2 to R7.5, and R8 for
 * training rounds run by a province.
 *
 * The recommender confirms (R7.2); the organiser's preliminary review passes, rejects, or returns it
 * for correction with a deadline (R7.3 初评); a random expert panel votes (R7.3 专家评议); the organiser
 * rechecks the result (R7.4 复核); the round then carries the recommended applications through approval,
 * the 5-working-day public notice with objections, and publication, telling each application its fate
 * by `round.*` events. Every application is its own case, so one never blocks another.
 */
import { and, assign, setup } from 'xstate';
import { escalationTarget, SYSTEM_PRINCIPAL, type Assignee, type Principal, type Unit } from '../rules/actors.js';
import { shanghaiDate } from '../rules/calendar/dates.js';
import type { Deadline } from '../rules/calendar/index.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { policy } from '../rules/policy.js';
import { tallyVotes, type Tally } from '../rules/selection/tally.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, DrawPanelRequest, EventMeta, NotificationRequest, PanelDraw, ReminderRecord, SignalCaseRequest, StartCaseRequest } from './kit.js';

export type { DrawPanelRequest, PanelDraw, SignalCaseRequest } from './kit.js';
import { deadlineIs, reminderOf, stepDeadlines, withDeadlines, withReminder } from './steps.js';

export interface EligibilityFlag {
  rule: string;
  check: string;
  reason: string;
}

export interface ApplicationInput {
  caseId: string;
  roundId: string;
  kind: Kind;
  organiser: Unit;
  institution: { id: string; name: string; province: string };
  occupation: Occupation;
  /** R7.2: exactly one channel — the provincial HR department of its territory or its industry department. */
  recommender: Unit;
  /** R7.0 / R8.2 priority category. */
  priority: string;
  /** The submitted facts (R6), kept as submitted. */
  facts: Record<string, unknown>;
  /** R6 Decision: failed eligibility checks are flags, not rejections. */
  flags: EligibilityFlag[];
  panelSize: number;
  createdBy: Principal;
  createdAt: string;
}

export interface PanelMember {
  expertId: string;
  status: 'serving' | 'declined' | 'conflict';
  reason?: string;
  at: string;
}

export interface VoteRecord {
  expertId: string;
  recommend: boolean;
  score?: number;
  comments: string;
  at: string;
}

export interface Decision {
  decision: string;
  reason: string;
  by: Principal;
  at: string;
}

export interface ApplicationContext extends Omit<ApplicationInput, 'createdAt'> {
  createdAt: string;
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
  recommendation?: Decision;
  review?: Decision;
  corrections: { requestedAt: string; items: string; workingDays: number; submittedAt?: string; note?: string }[];
  draw?: PanelDraw;
  drawFailure?: { reason: string; at: string };
  panel: PanelMember[];
  votes: VoteRecord[];
  tally?: Tally;
  recheck?: Decision & { recommended: boolean };
  outcome?: { code: string; reason: string; at: string };
  escalations: { deadline: string; to: Assignee; raisedAt: string; resolvedAt?: string }[];
}

export type ApplicationCommand =
  | { type: 'CONFIRM_RECOMMENDATION'; comments?: string }
  | { type: 'DECLINE_RECOMMENDATION'; reason: string }
  | { type: 'PASS_REVIEW'; reason?: string }
  | { type: 'REJECT'; reason: string }
  | { type: 'RETURN_FOR_CORRECTION'; items: string; workingDays?: number }
  | { type: 'SUBMIT_CORRECTION'; note: string }
  | { type: 'RETRY_DRAW'; reason: string }
  | { type: 'CAST_VOTE'; recommend: boolean; score?: number; comments: string }
  | { type: 'DECLINE_PANEL'; reason: string }
  | { type: 'DECLARE_CONFLICT'; reason: string }
  | { type: 'EXTEND_VOTING'; reason: string }
  | { type: 'CLOSE_VOTING'; reason: string }
  | { type: 'CONFIRM_RESULT'; comments?: string }
  | { type: 'OVERRULE'; recommended: boolean; reason: string }
  | { type: 'WITHDRAW'; reason: string };

/** Events from the host's activities and from the round (signals between cases). */
export type ApplicationSystemEvent =
  | { type: 'panel.drawn'; draw: PanelDraw }
  | { type: 'panel.drawFailed'; reason: string }
  | { type: 'round.listApproved' }
  | { type: 'round.objectionUpheld'; objectionId: string; reason: string }
  | { type: 'round.published'; publishedAt: string }
  | { type: 'round.cancelled'; reason: string };

export type ApplicationEvent = ((ApplicationCommand | ApplicationSystemEvent) & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

export const organiserOfficer = (ctx: Pick<ApplicationContext, 'organiser'>): Assignee => ({ role: 'officer', unit: ctx.organiser });
export const recommenderOfficer = (ctx: Pick<ApplicationContext, 'recommender'>): Assignee => ({ role: 'officer', unit: ctx.recommender });
export const applicant = (ctx: Pick<ApplicationContext, 'institution'>): Assignee => ({ role: 'institution', unit: `institution:${ctx.institution.id}` });
export const expertAssignee = (expertId: string): Assignee => ({ role: 'expert', unit: `expert:${expertId}` });

/** The expert id behind an `expert:<id>` principal. */
export const expertIdOf = (actor: Principal) => actor.unit.slice('expert:'.length);

export const servingMembers = (ctx: Pick<ApplicationContext, 'panel'>) => ctx.panel.filter((m) => m.status === 'serving');
export const pendingVoters = (ctx: Pick<ApplicationContext, 'panel' | 'votes'>) =>
  servingMembers(ctx).filter((m) => !ctx.votes.some((v) => v.expertId === m.expertId));

const tallyOf = (ctx: ApplicationContext): Tally =>
  tallyVotes(
    ctx.votes.map((v) => ({ expertId: v.expertId, recommend: v.recommend, ...(v.score === undefined ? {} : { score: v.score }) })),
    ctx.panelSize,
  );

const notifyParams = (to: Assignee[], template: string, subject: string, body: string, rule: string): NotificationRequest => ({ to, template, subject, body, rule });
const title = (ctx: ApplicationContext) => `${ctx.institution.name} — ${ctx.occupation.name} (${ctx.occupation.code})`;
const tellRound = (type: string) => ({
  type: 'signalCase' as const,
  params: ({ context }: { context: ApplicationContext }): SignalCaseRequest => ({
    caseId: context.roundId,
    event: { type, application: context.caseId, recommended: context.recheck?.recommended ?? false, priority: context.priority, flags: context.flags.length },
  }),
});

export const applicationMachine = setup({
  types: {
    context: {} as ApplicationContext,
    events: {} as ApplicationEvent,
    input: {} as ApplicationInput,
  },
  actions: {
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    notify: (_, _params: NotificationRequest) => {},
    signalCase: (_, _params: SignalCaseRequest) => {},
    drawPanel: (_, _params: DrawPanelRequest) => {},
    startCase: (_, _params: StartCaseRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    clearDeadlines: assign({ deadlines: () => ({}) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    raiseEscalation: assign({
      escalations: ({ context, event }, params: { to: Assignee }) => [...context.escalations, { deadline: (event as DeadlineReachedEvent).name, to: params.to, raisedAt: event.at }],
    }),
    /** Records how the application ended, with the reason given by the event when it has one. */
    endWith: assign({
      outcome: ({ event }, params: { code: string }) => ({ code: params.code, reason: 'reason' in event && typeof event.reason === 'string' ? event.reason : params.code, at: event.at }),
    }),
    recordVote: assign({
      votes: ({ context, event }) =>
        event.type === 'CAST_VOTE'
          ? [...context.votes, { expertId: expertIdOf(event.actor), recommend: event.recommend, comments: event.comments, at: event.at, ...(event.score === undefined ? {} : { score: event.score }) }]
          : context.votes,
    }),
    /** The member leaves (declined / conflict, with the reason); the first of the reserve, if any, takes the seat. */
    replaceMember: assign(({ context, event }) => {
      const id = expertIdOf(event.actor);
      const status = event.type === 'DECLARE_CONFLICT' ? ('conflict' as const) : ('declined' as const);
      const reason = 'reason' in event && typeof event.reason === 'string' ? event.reason : status;
      const [next, ...reserve] = context.draw?.reserve ?? [];
      const panel = context.panel.map((m) => (m.expertId === id && m.status === 'serving' ? { ...m, status, reason, at: event.at } : m));
      return {
        panel: next ? [...panel, { expertId: next, status: 'serving' as const, at: event.at }] : panel,
        draw: context.draw ? { ...context.draw, reserve, members: next ? [...context.draw.members, next] : context.draw.members } : context.draw,
      };
    }),
    settleEscalations: assign({
      escalations: ({ context, event }) => context.escalations.map((e) => (e.resolvedAt ? e : { ...e, resolvedAt: event.at })),
    }),
  },
  guards: {
    recommendationDue: deadlineIs('recommendationDue'),
    recommendationReminder: reminderOf('recommendation'),
    reviewDue: deadlineIs('reviewDue'),
    reviewReminder: reminderOf('review'),
    correctionDue: deadlineIs('correctionDue'),
    votingDue: deadlineIs('votingDue'),
    votingReminder: reminderOf('voting'),
    recheckDue: deadlineIs('recheckDue'),
    recheckReminder: reminderOf('recheck'),
    /** R6 Decision: a flagged application passes only with a written reason. */
    passAllowed: ({ context, event }) => event.type === 'PASS_REVIEW' && (context.flags.length === 0 || (event.reason ?? '').trim().length > 0),
    /** Only a serving panel member who has not voted yet may vote (the host also checks the task's assignee). */
    canVote: ({ context, event }) => {
      const id = expertIdOf(event.actor);
      return servingMembers(context).some((m) => m.expertId === id) && !context.votes.some((v) => v.expertId === id);
    },
    isOpen: ({ context }) => context.outcome === undefined,
    reserveLeft: ({ context }) => (context.draw?.reserve.length ?? 0) > 0,
    allVoted: ({ context }) => context.draw !== undefined && pendingVoters(context).length === 0 && servingMembers(context).length > 0,
    quorate: ({ context }) => tallyOf(context).quorate,
  },
}).createMachine({
  id: 'application',
  context: ({ input }) => ({
    ...input,
    deadlines: {},
    reminders: [],
    corrections: [],
    panel: [],
    votes: [],
    escalations: [],
  }),
  initial: 'recommendation',
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
    /** The applicant may withdraw at any time before publication (its reason is recorded). */
    WITHDRAW: { guard: 'isOpen', target: '.withdrawn', actions: { type: 'endWith', params: { code: 'withdrawnByApplicant' } } },
    /** The organiser cancelled the round: every open application ends with the round's reason. */
    'round.cancelled': { guard: 'isOpen', target: '.cancelled', actions: { type: 'endWith', params: { code: 'roundCancelled' } } },
  },
  states: {
    recommendation: {
      description: 'R7.2: the recommender (provincial HR of the territory, or the industry department) confirms.',
      entry: [
        { type: 'requestDeadlines', params: ({ context }) => stepDeadlines('recommendation', policy.application.recommendation, context.createdAt) },
        {
          type: 'notify',
          params: ({ context }) => notifyParams([recommenderOfficer(context)], 'application.recommendationRequested', `Recommendation requested: ${title(context)}`, `${context.institution.name} names you as its recommender (R7.2). Confirm or decline in your inbox.`, 'R7.2'),
        },
      ],
      exit: ['clearDeadlines', 'settleEscalations'],
      on: {
        CONFIRM_RECOMMENDATION: {
          target: 'preliminaryReview',
          actions: assign({ recommendation: ({ event }) => ({ decision: 'confirmed', reason: event.comments ?? '', by: event.actor, at: event.at }) }),
        },
        DECLINE_RECOMMENDATION: {
          target: 'rejected',
          actions: [assign({ recommendation: ({ event }) => ({ decision: 'declined', reason: event.reason, by: event.actor, at: event.at }) }), { type: 'endWith', params: { code: 'recommendationDeclined' } }],
        },
        'deadline.reached': [
          { guard: 'recommendationReminder', actions: ['recordReminder', { type: 'notify', params: ({ context }) => notifyParams([recommenderOfficer(context)], 'application.recommendationReminder', `Reminder: recommendation for ${title(context)}`, `Due ${context.deadlines.recommendationDue?.date ?? ''} (R7.2).`, 'R7.2') }] },
          {
            guard: 'recommendationDue',
            actions: [
              { type: 'raiseEscalation', params: ({ context }) => ({ to: escalationTarget(recommenderOfficer(context)) }) },
              { type: 'notify', params: ({ context }) => notifyParams([escalationTarget(recommenderOfficer(context)), recommenderOfficer(context)], 'application.recommendationOverdue', `Overdue: recommendation for ${title(context)}`, `The recommendation was due ${context.deadlines.recommendationDue?.date ?? ''} (R7.2).`, 'R7.2') },
            ],
          },
        ],
      },
    },
    preliminaryReview: {
      description: 'R7.3 初评: the organiser reviews the materials: pass, reject with a reason, or return for correction.',
      entry: { type: 'requestDeadlines', params: ({ event }) => stepDeadlines('review', policy.application.preliminaryReview, event.at) },
      exit: 'clearDeadlines',
      on: {
        PASS_REVIEW: {
          guard: 'passAllowed',
          target: 'expertReview',
          actions: assign({ review: ({ event }) => ({ decision: 'passed', reason: event.reason ?? '', by: event.actor, at: event.at }) }),
        },
        REJECT: {
          target: 'rejected',
          actions: [assign({ review: ({ event }) => ({ decision: 'rejected', reason: event.reason, by: event.actor, at: event.at }) }), { type: 'endWith', params: { code: 'rejectedAtReview' } }],
        },
        RETURN_FOR_CORRECTION: {
          target: 'correction',
          actions: assign({
            corrections: ({ context, event }) => [
              ...context.corrections,
              { requestedAt: event.at, items: event.items, workingDays: event.workingDays ?? policy.application.correctionWorkingDays.default },
            ],
          }),
        },
        'deadline.reached': [
          { guard: 'reviewReminder', actions: ['recordReminder', { type: 'notify', params: ({ context }) => notifyParams([organiserOfficer(context)], 'application.reviewReminder', `Reminder: preliminary review of ${title(context)}`, `Due ${context.deadlines.reviewDue?.date ?? ''} (R7.3).`, 'R7.3') }] },
          {
            guard: 'reviewDue',
            actions: [
              { type: 'raiseEscalation', params: ({ context }) => ({ to: escalationTarget(organiserOfficer(context)) }) },
              { type: 'notify', params: ({ context }) => notifyParams([escalationTarget(organiserOfficer(context))], 'application.reviewOverdue', `Overdue: preliminary review of ${title(context)}`, `The review was due ${context.deadlines.reviewDue?.date ?? ''} (R7.3).`, 'R7.3') },
            ],
          },
        ],
      },
    },
    correction: {
      description: 'R7.3: the institution corrects its materials by the deadline; missing it withdraws the application.',
      entry: [
        {
          type: 'requestDeadlines',
          params: ({ context, event }) => ({
            due: { name: 'correctionDue', rule: 'R7.3', from: event.at, offset: { workingDays: context.corrections.at(-1)!.workingDays }, time: 'endOfDay' as const },
            reminders: [{ name: 'correctionReminder1', offset: { workingDays: -1 }, time: policy.reminderTime }],
          }),
        },
        { type: 'notify', params: ({ context }) => notifyParams([applicant(context)], 'application.correctionRequested', `Correction requested: ${title(context)}`, `Correct by the deadline in your portal: ${context.corrections.at(-1)?.items ?? ''}`, 'R7.3') },
      ],
      exit: 'clearDeadlines',
      on: {
        SUBMIT_CORRECTION: {
          target: 'preliminaryReview',
          actions: assign({
            corrections: ({ context, event }) => context.corrections.map((c, i, all) => (i === all.length - 1 ? { ...c, submittedAt: event.at, note: event.note } : c)),
          }),
        },
        'deadline.reached': [
          { guard: 'correctionDue', target: 'withdrawn', actions: assign({ outcome: ({ event }) => ({ code: 'correctionMissed', reason: 'the correction deadline passed without a correction (R7.3)', at: event.at }) }) },
          { guard: reminderOf('correction'), actions: ['recordReminder', { type: 'notify', params: ({ context }) => notifyParams([applicant(context)], 'application.correctionReminder', `Reminder: correction due for ${title(context)}`, `Due ${context.deadlines.correctionDue?.date ?? ''}; missing it withdraws the application (R7.3).`, 'R7.3') }] },
        ],
      },
    },
    expertReview: {
      description: 'R7.3 专家评议: a panel drawn at random from the expert pool of the field, with recusal, votes.',
      initial: 'drawing',
      states: {
        drawing: {
          entry: {
            type: 'drawPanel',
            params: ({ context }) => ({
              caseId: context.caseId,
              applicant: { institutionId: context.institution.id, recommender: context.recommender },
              field: context.occupation.code,
              // A first draw fills the panel; after the reserve ran out, only the empty seats.
              panelSize: context.panelSize - servingMembers(context).length,
              exclude: context.panel.map((m) => m.expertId),
            }),
          },
          on: {
            'panel.drawn': {
              target: 'voting',
              actions: assign(({ context, event }) => {
                // Seats are filled only up to the panel size, never with someone already on (or off) this panel.
                const seats = context.panelSize - servingMembers(context).length;
                const fresh = event.draw.members.filter((id) => !context.panel.some((p) => p.expertId === id)).slice(0, seats);
                return {
                  draw: { ...event.draw, members: [...(context.draw?.members ?? []), ...fresh] },
                  panel: [...context.panel, ...fresh.map((expertId) => ({ expertId, status: 'serving' as const, at: event.at }))],
                };
              }),
            },
            'panel.drawFailed': {
              target: 'panelUnavailable',
              actions: assign({ drawFailure: ({ event }) => ({ reason: event.reason, at: event.at }) }),
            },
          },
        },
        panelUnavailable: {
          description: 'The pool cannot fill the panel (too few eligible experts): the organiser enlarges the pool and draws again.',
          entry: { type: 'notify', params: ({ context }) => notifyParams([organiserOfficer(context)], 'application.panelUnavailable', `Expert pool too small: ${title(context)}`, `The expert pool of ${context.occupation.code} cannot fill the panel: ${context.drawFailure?.reason ?? 'the reserve is exhausted'} (R7.3). Add experts to the pool, then draw again.`, 'R7.3') },
          on: { RETRY_DRAW: { target: 'drawing' } },
        },
        voting: {
          entry: [
            { type: 'requestDeadlines', params: ({ event }) => stepDeadlines('voting', policy.application.voting, event.at) },
            { type: 'notify', params: ({ context }) => notifyParams(servingMembers(context).map((m) => expertAssignee(m.expertId)), 'application.panelInvitation', `Expert review requested (${context.occupation.name})`, `You were drawn for an expert review panel (R7.3). Declare any conflict of interest; otherwise vote by ${context.deadlines.votingDue?.date ?? 'the due date'}.`, 'R7.3') },
          ],
          exit: 'clearDeadlines',
          always: { guard: 'allVoted', target: '#application.recheck', actions: assign({ tally: ({ context }) => tallyOf(context) }) },
          on: {
            CAST_VOTE: { guard: 'canVote', actions: 'recordVote' },
            // R7.3 Decisions: a declined or recused expert is replaced by the next of the drawn reserve order.
            // Only before voting: a member who voted has finished their task.
            DECLINE_PANEL: [
              { guard: and(['canVote', 'reserveLeft']), actions: 'replaceMember' },
              { guard: 'canVote', target: 'panelUnavailable', actions: 'replaceMember' },
            ],
            DECLARE_CONFLICT: [
              { guard: and(['canVote', 'reserveLeft']), actions: 'replaceMember' },
              { guard: 'canVote', target: 'panelUnavailable', actions: 'replaceMember' },
            ],
            'deadline.reached': [
              { guard: 'votingReminder', actions: ['recordReminder', { type: 'notify', params: ({ context }) => notifyParams(pendingVoters(context).map((m) => expertAssignee(m.expertId)), 'application.voteReminder', `Reminder: your vote (${context.occupation.name})`, `Votes are due ${context.deadlines.votingDue?.date ?? ''} (R7.3).`, 'R7.3') }] },
              { guard: 'votingDue', target: 'votingOverdue' },
            ],
          },
        },
        votingOverdue: {
          description: 'Votes are overdue: the organiser extends voting or closes it (a panel short of quorum cannot recommend).',
          entry: { type: 'notify', params: ({ context }) => notifyParams([organiserOfficer(context)], 'application.votingOverdue', `Voting overdue: ${title(context)}`, `${pendingVoters(context).length} member(s) have not voted (R7.3).`, 'R7.3') },
          always: { guard: 'allVoted', target: '#application.recheck', actions: assign({ tally: ({ context }) => tallyOf(context) }) },
          on: {
            CAST_VOTE: { guard: 'canVote', actions: 'recordVote' },
            EXTEND_VOTING: { target: 'voting' },
            CLOSE_VOTING: { target: '#application.recheck', actions: assign({ tally: ({ context }) => tallyOf(context) }) },
          },
        },
      },
    },
    recheck: {
      description: 'R7.4 复核: the organiser rechecks the panel result; overruling it needs a written reason.',
      entry: { type: 'requestDeadlines', params: ({ event }) => stepDeadlines('recheck', policy.application.recheck, event.at) },
      exit: 'clearDeadlines',
      on: {
        CONFIRM_RESULT: [
          {
            guard: ({ context }) => context.tally?.recommended === true,
            target: 'recommended',
            actions: assign({ recheck: ({ event, context }) => ({ decision: 'confirmed', reason: event.comments ?? '', by: event.actor, at: event.at, recommended: context.tally?.recommended ?? false }) }),
          },
          {
            target: 'notRecommended',
            actions: [assign({ recheck: ({ event }) => ({ decision: 'confirmed', reason: event.comments ?? '', by: event.actor, at: event.at, recommended: false }) }), { type: 'endWith', params: { code: 'notRecommended' } }],
          },
        ],
        OVERRULE: [
          {
            guard: ({ event }) => event.recommended,
            target: 'recommended',
            actions: assign({ recheck: ({ event }) => ({ decision: 'overruled', reason: event.reason, by: event.actor, at: event.at, recommended: true }) }),
          },
          {
            target: 'notRecommended',
            actions: [assign({ recheck: ({ event }) => ({ decision: 'overruled', reason: event.reason, by: event.actor, at: event.at, recommended: false }) }), { type: 'endWith', params: { code: 'notRecommended' } }],
          },
        ],
        'deadline.reached': { guard: 'recheckReminder', actions: ['recordReminder', { type: 'notify', params: ({ context }) => notifyParams([organiserOfficer(context)], 'application.recheckReminder', `Reminder: recheck of ${title(context)}`, `Due ${context.deadlines.recheckDue?.date ?? ''} (R7.4).`, 'R7.4') }] },
      },
    },
    recommended: {
      description: 'R7.4: on the proposed list; the round carries it through approval and the public notice.',
      entry: tellRound('application.settled'),
      on: {
        'round.listApproved': { target: 'onNotice' },
      },
    },
    onNotice: {
      description: 'R7.4 公示: publicly noticed for 5 working days; an upheld objection removes it (R7.5).',
      on: {
        'round.objectionUpheld': { target: 'removedByObjection', actions: { type: 'endWith', params: { code: 'objectionUpheld' } } },
        'round.published': { target: 'published', actions: assign({ outcome: ({ event }) => ({ code: 'published', reason: 'published in the directory (R7.5)', at: event.publishedAt }) }) },
      },
    },
    published: {
      type: 'final',
      description: 'R7.5 / R5: in the directory, valid from publication for 3 years.',
      // The listing lives on as its own case for its validity and beyond (R5.2, R9).
      entry: {
        type: 'startCase',
        params: ({ context }) => ({
          caseType: 'listing' as const,
          caseId: `listing:${context.kind}:${context.institution.id}:${context.occupation.code}`,
          input: {
            listingId: `${context.kind}:${context.institution.id}:${context.occupation.code}`,
            kind: context.kind,
            institution: context.institution,
            occupation: context.occupation,
            organiser: context.organiser,
            recommender: context.recommender,
            publishedOn: shanghaiDate(context.outcome?.at ?? context.createdAt),
            applicationId: context.caseId,
            roundId: context.roundId,
            createdBy: SYSTEM_PRINCIPAL,
          },
        }),
      },
    },
    rejected: { type: 'final', entry: tellRound('application.ended') },
    notRecommended: { type: 'final', entry: tellRound('application.settled') },
    withdrawn: { type: 'final', entry: tellRound('application.ended') },
    removedByObjection: { type: 'final' },
    cancelled: { type: 'final', description: 'The organiser cancelled the round; the reason is recorded.' },
  },
});

export type ApplicationMachine = typeof applicationMachine;
