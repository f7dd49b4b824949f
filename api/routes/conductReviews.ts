/**
 * R18(g) Decision "the directory itself can detect (g)": a scan of the directory and the registered
 * relations opens one review case per same-occupation conflict (idempotent: the case id is the pair
 * of listings, so a rescan opens only new ones); the national group dismisses or confirms each from
 * its inbox, a confirmation ordering rectification in the same step.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Type } from 'typebox';
import { conductReviewCase } from '../../machines/conductReview.case.js';
import type { ConductReviewInput, ReviewedListing } from '../../machines/conductReview.machine.js';
import type { Principal, Unit } from '../../rules/actors.js';
import type { SameOccupationConflict } from '../../rules/conduct/index.js';
import type { ListingDoc } from '../../store/documents.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { conductReviewWorkflow } from '../../workflows/index.js';
import { currentConflicts } from '../conduct/conflicts.js';
import { requireRole } from '../auth.js';
import { commandErrors, commandRoutes } from '../commandRoutes.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';

const reviewed = (l: ListingDoc): ReviewedListing => ({
  listingId: l._id,
  listingCaseId: l.caseId,
  kind: l.kind,
  institution: l.institution,
  occupation: l.occupation,
  organiser: l.organiser as Unit,
  recommender: l.recommender as Unit,
});

/** Opens a review case for each conflict that has none yet; returns the ids of those opened now. */
export async function openConflictReviews(ctx: ApiContext, conflicts: SameOccupationConflict[], by: Principal): Promise<string[]> {
  const opened: string[] = [];
  for (const c of conflicts) {
    const [evaluation, training] = await Promise.all([ctx.store.listings.findOne({ _id: c.evaluation }), ctx.store.listings.findOne({ _id: c.training })]);
    if (!evaluation || !training) continue;
    const caseId = `${CASE_TYPES.conductReview.idPrefix}:${c.evaluation}~${c.training}`;
    const input: Omit<ConductReviewInput, 'caseId' | 'createdAt'> = {
      rule: 'R18(g)',
      evaluation: reviewed(evaluation),
      training: reviewed(training),
      path: c.path,
      via: c.via,
      reviewer: 'national',
      createdBy: by,
    };
    try {
      await ctx.temporal.workflow.start(conductReviewWorkflow, { workflowId: caseId, taskQueue: ctx.config.taskQueue, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, args: [{ input }] });
      opened.push(caseId);
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e; // reviewed already (open or decided)
    }
  }
  return opened;
}

export const conductReviewRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/conduct/conflict-reviews/scan',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Scan the directory for same-occupation conflicts (R18(g)) and open a review for each new one',
        security: [{ bearer: [] }],
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ conflicts: Type.Integer(), opened: Type.Array(Type.String()) }), ...commandErrors },
      },
    },
    async (req) => {
      const p = requireRole(req, ['officer', 'leader']);
      if (p.unit !== 'national') throw new ApiError(403, 'Forbidden', 'the national group keeps the evaluation directory and reviews R18(g) conflicts', { rule: 'R18(g)' });
      const conflicts = await currentConflicts(ctx.store);
      return { conflicts: conflicts.length, opened: await openConflictReviews(ctx, conflicts, p) };
    },
  );

  await app.register(commandRoutes(ctx, '/api/conduct/conflict-reviews', conductReviewCase, 'conduct'));
};
