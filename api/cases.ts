/**
 * Reading cases and sending commands to them, shared by the case, plan and inbox routes.
 * No business rule lives here: the case workflow validates every command.
 */
import { canOversee, sameAssignee, type Principal } from '../rules/actors.js';
import type { CaseDoc } from '../store/documents.js';
import { commandUpdate, type CommandResult } from '../workflows/index.js';
import type { ApiContext } from './context.js';
import { ApiError, fromTemporal } from './errors.js';

/** A case the principal may read: its own jurisdiction, oversight, or a grant on the case. */
export async function readableCase(ctx: ApiContext, caseId: string, p: Principal, caseType?: string): Promise<CaseDoc> {
  const doc = await ctx.store.cases.findOne({ _id: caseId });
  if (!doc || (caseType && doc.caseType !== caseType)) throw new ApiError(404, 'NotFound', `no case ${caseId}`);
  const granted = doc.grants.some((g) => sameAssignee(g.assignee, p));
  const party = (doc.parties ?? []).includes(p.unit);
  if (!granted && !party && !canOversee(p, doc.owner as Principal['unit'])) {
    // Not 403: do not reveal that a case outside one's jurisdiction exists.
    throw new ApiError(404, 'NotFound', `no case ${caseId}`);
  }
  return doc;
}

/** The store filter matching `canOversee`: which owners' cases a principal may list. */
export function ownerFilter(p: Principal): Record<string, unknown> {
  if (p.unit === 'national' && canOversee(p, p.unit)) return {};
  if (p.unit.startsWith('province:')) {
    // A province oversees itself and its localities (locality codes start with the province's two digits).
    return { owner: { $in: [p.unit, new RegExp(`^locality:${p.unit.slice('province:'.length)}`)] } };
  }
  return { owner: p.unit };
}

export function caseView(doc: CaseDoc, p: Principal) {
  return {
    caseId: doc._id,
    caseType: doc.caseType,
    seq: doc.seq,
    status: doc.status,
    state: doc.state,
    owner: doc.owner,
    summary: doc.summary,
    deadlines: doc.deadlines,
    availableActions: doc.grants.filter((g) => sameAssignee(g.assignee, p)),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** Staff of the owning unit or of a unit overseeing it (not its applicants, experts or recommenders). */
export function isStaffOver(p: Principal, owner: string): boolean {
  return (p.role === 'officer' || p.role === 'leader' || p.role === 'admin') && canOversee(p, owner as Principal['unit']);
}

/**
 * A command's answer as its sender may see it: the case's open tasks are all shown only to staff of
 * the owning or an overseeing unit; anyone else sees the tasks that are theirs. R7.3: panel membership
 * is confidential — an expert who votes, or the applicant who withdraws, must not learn from the
 * answer which other experts sit on the panel and which of them have still to vote.
 */
export function commandResultFor(result: CommandResult, owner: string, p: Principal): CommandResult {
  if (isStaffOver(p, owner)) return result;
  return { ...result, tasks: result.tasks.filter((t) => sameAssignee(t.assignee, p)) };
}

export async function sendCommand(ctx: ApiContext, caseId: string, type: string, payload: Record<string, unknown>, actor: Principal): Promise<CommandResult> {
  try {
    return await ctx.temporal.workflow.getHandle(caseId).executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });
  } catch (e) {
    throw fromTemporal(e);
  }
}
