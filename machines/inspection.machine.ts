/**
 * A random inspection (双随机一公开, R16): an HR department draws institutions from its
 * jurisdiction's directory and inspectors from its inspector list at random (reproducibly, with
 * recusal), pairs them, has each pair record its findings against the R10–R12 checklist of the
 * institution's kind, publishes the results, and turns the findings into rectification orders in one
 * step (R16 "problems get an order to fix at once or within a deadline", R20.1).
 *
 * The draw is an activity (`drawInspection`): the seed is committed before the directory and the
 * inspector list are read, and the record can be re-run (rules/inspection `verifyCampaignDraw`).
 * The orders are rectification cases the host starts (`startCase`), one per listing with findings.
 */
import { and, assign, setup } from 'xstate';
import { sameAssignee, type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline } from '../rules/calendar/deadline.js';
import type { IsoDate } from '../rules/calendar/dates.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { policy } from '../rules/policy.js';
import type { DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, NotificationRequest, ReminderRecord, StartCaseRequest } from './kit.js';
import type { Breach, RectificationInput } from './rectification.machine.js';
import { deadlineIs, notifyParams, reminderOf, withDeadlines, withReminder } from './steps.js';

export type InspectionJurisdiction = 'national' | `province:${string}`;

export interface InspectionFilters {
  kind?: Kind;
  occupationCodes?: string[];
  riskFlags?: string[];
}

export interface InspectionInput {
  caseId: string;
  /** Business reference, unique per department (e.g. `2027-Q1`). */
  reference: string;
  title: string;
  /** The HR department that runs the inspection (its officers own the case). */
  owner: Unit;
  jurisdiction: InspectionJurisdiction;
  filters: InspectionFilters;
  institutionCount: number;
  inspectorsPerInstitution: number;
  /** Working days from the draw for the inspections (findings recorded). */
  inspectionWorkingDays: number;
  createdBy: Principal;
  createdAt: string;
}

/** A listing of a drawn institution, with what a rectification order against it needs. */
export interface InspectedListing {
  listingId: string;
  listingCaseId: string;
  kind: Kind;
  occupation: Occupation;
  organiser: Unit;
  recommender: Unit;
}

export interface InspectionAssignment {
  institution: { id: string; name: string; province: string };
  listings: InspectedListing[];
  inspectors: { id: string; name: string }[];
}

/** Params of the `drawInspection` action; the host adds the draw id (case + step) and the draw date. */
export interface DrawInspectionRequest {
  caseId: string;
  jurisdiction: InspectionJurisdiction;
  filters: InspectionFilters;
  institutionCount: number;
  inspectorsPerInstitution: number;
}

/** What the draw activity returns to the case (the snapshot, seed and recusals stay in the draw record). */
export interface InspectionDraw {
  drawId: string;
  algorithm: string;
  seedCommitment: string;
  eligible: number;
  assignments: InspectionAssignment[];
  shortfalls: { institutionId: string; missing: number; detail: string }[];
}

export interface ChecklistResult {
  itemId: string;
  result: 'pass' | 'fail' | 'notApplicable';
  note?: string;
}

export interface Finding {
  rule: string;
  text: string;
  /** The listing the finding is about; absent = every inspected listing of the institution. */
  listingId?: string;
}

export interface FindingsRecord {
  institutionId: string;
  checklist: ChecklistResult[];
  findings: Finding[];
  summary: string;
  by: Principal;
  at: string;
}

export interface InspectionContext extends InspectionInput {
  draw?: InspectionDraw;
  drawFailure?: { reason: string; at: string };
  records: FindingsRecord[];
  published?: { summary: string; by: Principal; at: string };
  orders: { caseId: string; listingId: string; institutionId: string }[];
  outcome?: { code: 'ordersIssued' | 'closedWithoutOrders' | 'cancelled'; reason: string; at: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
}

export type InspectionCommand =
  | { type: 'RECORD_FINDINGS'; institutionId: string; checklist: ChecklistResult[]; findings: Finding[]; summary: string }
  | { type: 'PUBLISH_RESULTS'; summary: string }
  | { type: 'ISSUE_ORDERS'; mode: 'immediate' | 'deadline'; due?: { date: IsoDate } | { workingDays: number }; institutions?: string[] }
  | { type: 'CLOSE_INSPECTION'; reason: string }
  | { type: 'REDRAW' }
  | { type: 'CANCEL_INSPECTION'; reason: string };

export type InspectionSystemEvent = { type: 'inspection.drawn'; draw: InspectionDraw } | { type: 'inspection.drawFailed'; reason: string };

export type InspectionEvent = ((InspectionCommand | InspectionSystemEvent) & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

export const ownerOfficer = (ctx: Pick<InspectionContext, 'owner'>): Assignee => ({ role: 'officer', unit: ctx.owner });
export const inspectorAssignee = (id: string): Assignee => ({ role: 'inspector', unit: `inspector:${id}` as Unit });

/** Institutions of the draw whose findings are not recorded yet. */
export const pendingInstitutions = (ctx: Pick<InspectionContext, 'draw' | 'records'>): InspectionAssignment[] =>
  (ctx.draw?.assignments ?? []).filter((a) => !ctx.records.some((r) => r.institutionId === a.institution.id));

/** Institutions with findings, and the listings each finding is about. */
export function findingsByListing(ctx: Pick<InspectionContext, 'draw' | 'records'>, institutions?: string[]): { assignment: InspectionAssignment; listing: InspectedListing; breaches: Breach[] }[] {
  const out: { assignment: InspectionAssignment; listing: InspectedListing; breaches: Breach[] }[] = [];
  for (const record of ctx.records) {
    if (record.findings.length === 0) continue;
    if (institutions && !institutions.includes(record.institutionId)) continue;
    const assignment = ctx.draw?.assignments.find((a) => a.institution.id === record.institutionId);
    if (!assignment) continue;
    for (const listing of assignment.listings) {
      const breaches = record.findings
        .filter((f) => f.listingId === undefined || f.listingId === listing.listingId)
        .map((f) => ({ rule: f.rule, finding: f.text }));
      if (breaches.length > 0) out.push({ assignment, listing, breaches });
    }
  }
  return out;
}

/** The rectification order an inspection's findings become (R16 → R20.1): one per listing with findings. */
export function orderFor(ctx: InspectionContext, item: ReturnType<typeof findingsByListing>[number], event: Extract<InspectionCommand, { type: 'ISSUE_ORDERS' }> & EventMeta): StartCaseRequest {
  const caseId = `rectification:${item.listing.listingId}:${ctx.reference}`;
  const input: Omit<RectificationInput, 'caseId' | 'createdAt'> = {
    listingCaseId: item.listing.listingCaseId,
    listingId: item.listing.listingId,
    kind: item.listing.kind,
    institution: item.assignment.institution,
    occupation: item.listing.occupation,
    organiser: item.listing.organiser,
    recommender: item.listing.recommender,
    orderedBy: ctx.owner,
    breaches: item.breaches,
    mode: event.mode,
    ...(event.due ? { due: event.due } : {}),
    source: { campaignCaseId: ctx.caseId, institutionId: item.assignment.institution.id },
    createdBy: event.actor,
  };
  return { caseType: 'rectification', caseId, input: input as unknown as Record<string, unknown> };
}


const inspectionSetup = setup({
  types: {
    context: {} as InspectionContext,
    events: {} as InspectionEvent,
    input: {} as InspectionInput,
  },
  actions: {
    requestDeadlines: (_, _params: unknown) => {},
    notify: (_, _params: NotificationRequest) => {},
    drawInspection: (_, _params: DrawInspectionRequest) => {},
    startCase: (_, _params: StartCaseRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    recordFindings: assign({
      records: ({ context, event }) =>
        event.type === 'RECORD_FINDINGS'
          ? [...context.records, { institutionId: event.institutionId, checklist: event.checklist, findings: event.findings, summary: event.summary, by: event.actor, at: event.at }]
          : context.records,
    }),
    endWith: assign({
      outcome: ({ event }, params: { code: 'ordersIssued' | 'closedWithoutOrders' | 'cancelled' }) => ({ code: params.code, reason: 'reason' in event && typeof event.reason === 'string' ? event.reason : '', at: event.at }),
    }),
  },
  guards: {
    /** The sender is one of the institution's drawn inspectors, and its findings are not recorded yet. */
    assignedAndPending: ({ context, event }) =>
      event.type === 'RECORD_FINDINGS' &&
      pendingInstitutions(context).some((a) => a.institution.id === event.institutionId && a.inspectors.some((i) => sameAssignee(inspectorAssignee(i.id), event.actor))),
    lastRecord: ({ context, event }) => event.type === 'RECORD_FINDINGS' && pendingInstitutions(context).length === 1 && pendingInstitutions(context)[0]!.institution.id === event.institutionId,
    inspectionDue: deadlineIs('inspectionDue'),
    hasFindings: ({ context, event }) => event.type === 'ISSUE_ORDERS' && findingsByListing(context, event.institutions).length > 0,
  },
});

const drawNow = inspectionSetup.enqueueActions(({ context, enqueue }) => {
  enqueue({
    type: 'drawInspection',
    params: { caseId: context.caseId, jurisdiction: context.jurisdiction, filters: context.filters, institutionCount: context.institutionCount, inspectorsPerInstitution: context.inspectorsPerInstitution },
  });
});

const startInspecting = inspectionSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'inspection.drawn') return;
  enqueue.assign({ draw: event.draw, drawFailure: undefined });
  enqueue({
    type: 'requestDeadlines',
    params: {
      due: { name: 'inspectionDue', rule: 'R16', from: event.at, offset: { workingDays: context.inspectionWorkingDays }, time: 'endOfDay' },
      reminders: [{ name: 'inspectionReminder1', offset: { workingDays: -3 }, time: policy.reminderTime }],
    },
  });
  const inspectors = event.draw.assignments.flatMap((a) => a.inspectors.map((i) => inspectorAssignee(i.id)));
  enqueue({
    type: 'notify',
    params: notifyParams(
      [...inspectors, ownerOfficer(context)],
      'inspection.drawn',
      `Random inspection drawn: ${context.title}`,
      `${event.draw.assignments.length} institution(s) drawn at random from ${event.draw.eligible} (R16, draw ${event.draw.drawId}); ` +
        `each inspector finds the institutions assigned to them in their inbox, with the checklist of R10–R12.`,
      'R16',
    ),
  });
});

const issueOrders = inspectionSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'ISSUE_ORDERS') return;
  const items = findingsByListing(context, event.institutions);
  const orders = items.map((item) => orderFor(context, item, event));
  for (const o of orders) enqueue({ type: 'startCase', params: o });
  enqueue.assign({ orders: orders.map((o, i) => ({ caseId: o.caseId, listingId: items[i]!.listing.listingId, institutionId: items[i]!.assignment.institution.id })) });
  enqueue({ type: 'endWith', params: { code: 'ordersIssued' } });
});

export const inspectionMachine = inspectionSetup.createMachine({
  id: 'inspection',
  context: ({ input }) => ({ ...input, records: [], orders: [], deadlines: {}, reminders: [] }),
  initial: 'drawing',
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
  },
  states: {
    drawing: {
      description: 'R16: the random draw of institutions and inspectors (seed committed before the directory is read).',
      entry: drawNow,
      on: {
        'inspection.drawn': { target: 'inspecting', actions: startInspecting },
        'inspection.drawFailed': { target: 'drawFailed', actions: assign({ drawFailure: ({ event }) => (event.type === 'inspection.drawFailed' ? { reason: event.reason, at: event.at } : undefined) }) },
      },
    },
    drawFailed: {
      description: 'Nothing to draw (no matching institution, or no inspector): the department redraws after fixing the list, or cancels.',
      on: {
        REDRAW: 'drawing',
        CANCEL_INSPECTION: { target: 'cancelled', actions: { type: 'endWith', params: { code: 'cancelled' } } },
      },
    },
    inspecting: {
      description: 'R16: each pair inspects its institution and records the findings against the R10–R12 checklist.',
      on: {
        RECORD_FINDINGS: [
          { guard: and(['assignedAndPending', 'lastRecord']), target: 'review', actions: 'recordFindings' },
          { guard: 'assignedAndPending', actions: 'recordFindings' },
        ],
        'deadline.reached': [
          {
            guard: 'inspectionDue',
            actions: {
              type: 'notify',
              params: ({ context }) =>
                notifyParams(
                  [ownerOfficer(context), ...pendingInstitutions(context).flatMap((a) => a.inspectors.map((i) => inspectorAssignee(i.id)))],
                  'inspection.overdue',
                  `Overdue inspections: ${context.title}`,
                  `The findings of ${pendingInstitutions(context).map((a) => a.institution.name).join(', ')} are overdue (R16).`,
                  'R16',
                ),
            },
          },
          {
            guard: reminderOf('inspection'),
            actions: [
              'recordReminder',
              {
                type: 'notify',
                params: ({ context }) =>
                  notifyParams(
                    pendingInstitutions(context).flatMap((a) => a.inspectors.map((i) => inspectorAssignee(i.id))),
                    'inspection.reminder',
                    `Inspection findings due ${context.deadlines.inspectionDue?.date ?? ''}: ${context.title}`,
                    'Record the findings of the institutions assigned to you (R16).',
                    'R16',
                  ),
              },
            ],
          },
        ],
        CANCEL_INSPECTION: { target: 'cancelled', actions: { type: 'endWith', params: { code: 'cancelled' } } },
      },
    },
    review: {
      description: 'R16 "one public": the department publishes the results.',
      on: {
        PUBLISH_RESULTS: {
          target: 'published',
          actions: assign({ published: ({ event }) => (event.type === 'PUBLISH_RESULTS' ? { summary: event.summary, by: event.actor, at: event.at } : undefined) }),
        },
      },
    },
    published: {
      description: 'R16 / R20.1: the findings become rectification orders in one step (one per listing with findings), or the inspection closes without orders.',
      on: {
        ISSUE_ORDERS: { guard: 'hasFindings', target: 'closed', actions: issueOrders },
        CLOSE_INSPECTION: { target: 'closed', actions: { type: 'endWith', params: { code: 'closedWithoutOrders' } } },
      },
    },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type InspectionMachine = typeof inspectionMachine;
