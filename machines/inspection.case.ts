/**
 * The random inspection as a case: commands with payload schemas and checks (the checklist of the
 * institution's kind, findings citing rules that apply to it, an order deadline in the future), the
 * tasks its states yield (each inspector's findings, the department's publication and orders), and
 * its status and summary — which, once published, is the public result (R16 "one public").
 *
 * Public status codes: `drawing | drawFailed | inspecting | review | published | closed | cancelled`.
 */
import { Type, type Static } from 'typebox';
import { shanghaiDate } from '../rules/calendar/dates.js';
// checklists.js, not conduct/index.js: the index would bundle the traditional-character dictionaries into workflows.
import { inspectionChecklist } from '../rules/conduct/checklists.js';
import { sameAssignee, type Principal } from '../rules/actors.js';
import { checkOrderDue, OrderDueSchema, OrderModeSchema } from '../rules/rectification/order.js';
import { uncitable } from '../rules/rectification/policy.js';
import type { CaseDefinition, FieldError, PublicStatus, TaskSpec } from './kit.js';
import {
  findingsByListing,
  inspectionMachine,
  inspectorAssignee,
  ownerOfficer,
  pendingInstitutions,
  type InspectionContext,
  type InspectionMachine,
} from './inspection.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max, ...(min > 0 ? { pattern: '\\S' } : {}) });

export const inspectionPayloads = {
  RECORD_FINDINGS: Type.Object(
    {
      institutionId: Type.String({ minLength: 1, maxLength: 100 }),
      checklist: Type.Array(
        Type.Object(
          { itemId: Type.String({ minLength: 1, maxLength: 100 }), result: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('notApplicable')]), note: Type.Optional(Text(0, 2000)) },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
      findings: Type.Array(
        Type.Object({ rule: Type.String({ pattern: '^R[0-9]{1,2}(\\.[0-9])?(\\([a-g]\\))?$' }), text: Text(1), listingId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
        { maxItems: 50 },
      ),
      summary: Text(1),
    },
    { additionalProperties: false },
  ),
  PUBLISH_RESULTS: Type.Object({ summary: Text(1) }, { additionalProperties: false }),
  ISSUE_ORDERS: Type.Object(
    {
      mode: OrderModeSchema,
      due: Type.Optional(OrderDueSchema),
      institutions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 500 })),
    },
    { additionalProperties: false },
  ),
  CLOSE_INSPECTION: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  REDRAW: Type.Object({}, { additionalProperties: false }),
  CANCEL_INSPECTION: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
};
export type InspectionPayloads = { [K in keyof typeof inspectionPayloads]: Static<(typeof inspectionPayloads)[K]> };

type Snapshot = ReturnType<InspectionMachine['resolveState']>;

const statuses: Record<string, PublicStatus> = {
  drawing: { code: 'drawing', label: 'Drawing institutions and inspectors', final: false },
  drawFailed: { code: 'drawFailed', label: 'The draw found nothing to inspect', final: false },
  inspecting: { code: 'inspecting', label: 'Inspections under way', final: false },
  review: { code: 'review', label: 'Findings recorded: results to publish', final: false },
  published: { code: 'published', label: 'Results published', final: false },
  closed: { code: 'closed', label: 'Closed', final: true },
  cancelled: { code: 'cancelled', label: 'Cancelled', final: true },
};

/**
 * R16 / R10–R12: findings of an institution — the checklist items of the kinds of its inspected
 * listings, rules that apply to one of those kinds, listings of the institution.
 */
export function checkFindings(ctx: Pick<InspectionContext, 'draw'>, p: InspectionPayloads['RECORD_FINDINGS'], actor?: Principal): FieldError[] {
  const assignment = ctx.draw?.assignments.find((a) => a.institution.id === p.institutionId);
  if (!assignment) return [{ field: '/institutionId', message: `${p.institutionId} was not drawn in this inspection`, rule: 'R16' }];
  if (actor && !assignment.inspectors.some((i) => sameAssignee(inspectorAssignee(i.id), actor))) {
    return [{ field: '/institutionId', message: `${actor.name} is not drawn to inspect ${p.institutionId}`, rule: 'R16' }];
  }
  const kinds = [...new Set(assignment.listings.map((l) => l.kind))];
  const items = new Set(kinds.flatMap((k) => inspectionChecklist(k).map((i) => i.id)));
  const errors: FieldError[] = [];
  p.checklist.forEach((c, i) => {
    if (!items.has(c.itemId)) errors.push({ field: `/checklist/${i}/itemId`, message: `${c.itemId} is not on the checklist of a ${kinds.join('/')} institution`, rule: 'R16' });
  });
  p.findings.forEach((f, i) => {
    if (kinds.every((k) => uncitable(k, [f.rule]).length > 0)) errors.push({ field: `/findings/${i}/rule`, message: `${f.rule} does not apply to a ${kinds.join('/')} listing`, rule: 'R20.1' });
    if (f.listingId !== undefined && !assignment.listings.some((l) => l.listingId === f.listingId)) {
      errors.push({ field: `/findings/${i}/listingId`, message: `${f.listingId} is not an inspected listing of ${p.institutionId}`, rule: 'R16' });
    }
  });
  if (p.checklist.some((c) => c.result === 'fail') && p.findings.length === 0) {
    errors.push({ field: '/findings', message: 'a failed checklist item needs a finding citing the breached rule', rule: 'R16' });
  }
  return errors;
}

/** R20.1: an order's deadline is a day after today, within the limits; an immediate order has none. */
export function checkOrders(ctx: Pick<InspectionContext, 'draw' | 'records'>, p: InspectionPayloads['ISSUE_ORDERS'], at: string): FieldError[] {
  const today = shanghaiDate(at);
  const errors: FieldError[] = [];
  errors.push(...checkOrderDue(p.mode, p.due, today));
  (p.institutions ?? []).forEach((id, i) => {
    if (!ctx.records.some((r) => r.institutionId === id && r.findings.length > 0)) errors.push({ field: `/institutions/${i}`, message: `no findings recorded for ${id}`, rule: 'R16' });
  });
  if (errors.length === 0 && findingsByListing(ctx, p.institutions).length === 0) errors.push({ field: '/', message: 'no findings to turn into orders; close the inspection instead', rule: 'R16' });
  return errors;
}

export const inspectionCase: CaseDefinition<InspectionMachine, Snapshot> = {
  caseType: 'inspection',
  machine: inspectionMachine,
  defaultRule: 'R16',
  commands: {
    RECORD_FINDINGS: {
      title: 'Record the findings of an inspected institution',
      rule: 'R16',
      payload: inspectionPayloads.RECORD_FINDINGS,
      check: (p: InspectionPayloads['RECORD_FINDINGS'], s, _at, actor) => checkFindings(s.context, p, actor),
    },
    PUBLISH_RESULTS: { title: 'Publish the results', rule: 'R16', payload: inspectionPayloads.PUBLISH_RESULTS },
    ISSUE_ORDERS: {
      title: 'Turn the findings into rectification orders',
      rule: 'R20.1',
      payload: inspectionPayloads.ISSUE_ORDERS,
      check: (p: InspectionPayloads['ISSUE_ORDERS'], s, at) => checkOrders(s.context, p, at),
    },
    CLOSE_INSPECTION: { title: 'Close without orders', rule: 'R16', payload: inspectionPayloads.CLOSE_INSPECTION },
    REDRAW: { title: 'Draw again', rule: 'R16', payload: inspectionPayloads.REDRAW },
    CANCEL_INSPECTION: {
      title: 'Cancel the inspection',
      rule: 'R16',
      payload: inspectionPayloads.CANCEL_INSPECTION,
      allowed: (s) => (['drawFailed', 'inspecting'].includes(leafState(s.value)) ? [ownerOfficer(s.context)] : []),
    },
  },
  tasks(snapshot) {
    const ctx = snapshot.context;
    const leaf = leafState(snapshot.value);
    const tasks: TaskSpec[] = [];
    if (leaf === 'inspecting') {
      for (const a of pendingInstitutions(ctx)) {
        for (const i of a.inspectors) {
          tasks.push({
            key: `findings-${a.institution.id}-${i.id}`,
            step: 'inspection.recordFindings',
            title: `Inspect ${a.institution.name} and record the findings (${ctx.title})`,
            rule: 'R16',
            assignee: inspectorAssignee(i.id),
            actions: ['RECORD_FINDINGS'],
            deadline: 'inspectionDue',
          });
        }
      }
    }
    const owner = (key: string, step: string, title: string, actions: string[]) => tasks.push({ key, step, title, rule: 'R16', assignee: ownerOfficer(ctx), actions });
    if (leaf === 'drawFailed') owner('redraw', 'inspection.redraw', `Nothing drawn for "${ctx.title}": ${ctx.drawFailure?.reason ?? ''}`, ['REDRAW', 'CANCEL_INSPECTION']);
    if (leaf === 'review') owner('publish', 'inspection.publishResults', `Publish the results of "${ctx.title}"`, ['PUBLISH_RESULTS']);
    if (leaf === 'published') owner('orders', 'inspection.issueOrders', `Turn the findings of "${ctx.title}" into rectification orders`, ['ISSUE_ORDERS', 'CLOSE_INSPECTION']);
    return tasks;
  },
  status(snapshot) {
    const leaf = leafState(snapshot.value);
    return statuses[leaf] ?? { code: leaf, label: leaf, final: snapshot.status === 'done' };
  },
  owner: (snapshot) => snapshot.context.owner,
  /** The drawn institutions read their own inspection; the inspectors theirs. */
  parties: (snapshot) => [
    ...new Set((snapshot.context.draw?.assignments ?? []).flatMap((a) => [`institution:${a.institution.id}` as const, ...a.inspectors.map((i) => inspectorAssignee(i.id).unit)])),
  ],
  summary(snapshot) {
    const ctx = snapshot.context;
    const published = ctx.published !== undefined;
    return {
      reference: ctx.reference,
      title: ctx.title,
      owner: ctx.owner,
      jurisdiction: ctx.jurisdiction,
      filters: ctx.filters,
      drawId: ctx.draw?.drawId ?? null,
      seedCommitment: ctx.draw?.seedCommitment ?? null,
      eligible: ctx.draw?.eligible ?? null,
      institutions: (ctx.draw?.assignments ?? []).map((a) => a.institution),
      shortfalls: ctx.draw?.shortfalls ?? [],
      recorded: ctx.records.length,
      due: ctx.deadlines.inspectionDue?.date ?? null,
      drawFailure: ctx.drawFailure?.reason ?? null,
      /** R16 "one public": once published, each institution's result (rules breached, no inspector names). */
      results: published
        ? ctx.records.map((r) => ({
            institution: ctx.draw?.assignments.find((a) => a.institution.id === r.institutionId)?.institution ?? { id: r.institutionId },
            problemsFound: r.findings.length > 0,
            rules: [...new Set(r.findings.map((f) => f.rule))],
            summary: r.summary,
          }))
        : null,
      publishedAt: ctx.published?.at ?? null,
      publicSummary: ctx.published?.summary ?? null,
      orders: ctx.orders,
      outcome: ctx.outcome ? { code: ctx.outcome.code, at: ctx.outcome.at } : null,
    };
  },
};
