/**
 * The random inspection draw (R16, 双随机一公开) against the directory and the inspector list in the
 * store. Commit, then reveal, as for expert panels: the seed and its hash are recorded (keyed by
 * case + step) before the directory and the inspector list are read; a retried activity reuses the
 * record, so a draw cannot be repeated to get another result. The stored `{ input, result }` is
 * what rules/inspection `verifyCampaignDraw` re-runs.
 */
import { MongoServerError } from 'mongodb';
import type { DrawInspectionRequest, InspectedListing, InspectionAssignment, InspectionDraw } from '../machines/inspection.machine.js';
import type { Unit } from '../rules/actors.js';
import { commitSeed, newSeed } from '../rules/draw/index.js';
import { drawCampaign, InspectionInputError, type CampaignDrawInput, type InspectionListing, type Inspector } from '../rules/inspection/index.js';
import type { InspectionDrawDoc, ListingDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';

export type InspectionDrawOutcome = { ok: true; draw: InspectionDraw } | { ok: false; reason: string };

/** The inspectors of a department's list: its own, and for a province those of its localities too. */
export function inspectorsOf(owner: Unit, unit: string): boolean {
  if (unit === owner) return true;
  return owner.startsWith('province:') && unit.startsWith(`locality:${owner.slice('province:'.length)}`);
}

export function createInspectionActivities(store: Pick<Store, 'listings' | 'inspectors' | 'inspectionDraws'>) {
  async function commitment(drawId: string, caseId: string): Promise<InspectionDrawDoc> {
    const existing = await store.inspectionDraws.findOne({ _id: drawId });
    if (existing) return existing;
    const seed = newSeed();
    const doc: InspectionDrawDoc = { _id: drawId, caseId, seed, seedCommitment: commitSeed(seed), committedAt: new Date(), status: 'committed' };
    try {
      await store.inspectionDraws.insertOne(doc);
      return doc;
    } catch (e) {
      if (e instanceof MongoServerError && e.code === 11000) return (await store.inspectionDraws.findOne({ _id: drawId }))!;
      throw e;
    }
  }

  const fail = async (drawId: string, reason: string): Promise<InspectionDrawOutcome> => {
    await store.inspectionDraws.updateOne({ _id: drawId, status: 'committed' }, { $set: { status: 'failed', failure: reason, drawnAt: new Date() } });
    return { ok: false, reason };
  };

  return {
    async drawInspection(req: DrawInspectionRequest & { owner: Unit; drawId: string; drawDate: string }): Promise<InspectionDrawOutcome> {
      const committed = await commitment(req.drawId, req.caseId);
      if (committed.status === 'failed') return { ok: false, reason: committed.failure ?? 'the draw failed' };
      if (committed.status === 'drawn') return { ok: true, draw: committed.outcome as InspectionDraw };

      const province = req.jurisdiction === 'national' ? undefined : req.jurisdiction.slice('province:'.length);
      const listingDocs: ListingDoc[] = await store.listings.find({ status: { $in: ['valid', 'lapsing'] }, ...(province ? { 'institution.province': province } : {}) }).toArray();
      const listings: InspectionListing[] = listingDocs.map((l) => ({ listingId: l._id, kind: l.kind, institution: l.institution, occupation: l.occupation, status: l.status }));
      const inspectorDocs = (await store.inspectors.find({ active: true }).toArray()).filter((i) => inspectorsOf(req.owner, i.unit));
      const inspectors: Inspector[] = inspectorDocs.map((i) => ({ id: i._id, name: i.name, unit: i.unit, employer: i.employer, employmentHistory: i.employmentHistory, active: i.active }));
      const input: CampaignDrawInput = {
        seed: committed.seed,
        seedCommitment: committed.seedCommitment,
        campaignId: req.caseId,
        jurisdiction: req.jurisdiction,
        listings,
        filters: req.filters,
        institutionCount: req.institutionCount,
        inspectors,
        inspectorsPerInstitution: req.inspectorsPerInstitution,
        drawDate: req.drawDate,
      };
      let result;
      try {
        result = drawCampaign(input);
      } catch (e) {
        if (e instanceof InspectionInputError) return fail(req.drawId, `R16: ${e.message}`);
        throw e;
      }
      if (result.institutions.length === 0) return fail(req.drawId, 'R16: no active listing in the jurisdiction matches the filters');
      if (inspectors.length === 0) return fail(req.drawId, `R16: the inspector list of ${req.owner} is empty`);

      const byId = new Map(listingDocs.map((l) => [l._id, l]));
      const names = new Map(inspectors.map((i) => [i.id, i.name]));
      const assignments: InspectionAssignment[] = result.institutions.map((d) => {
        const own = d.listings.map((id) => byId.get(id)!).filter(Boolean);
        const listingsOf: InspectedListing[] = own.map((l) => ({
          listingId: l._id,
          listingCaseId: l.caseId,
          kind: l.kind,
          occupation: l.occupation,
          organiser: l.organiser as Unit,
          recommender: l.recommender as Unit,
        }));
        return { institution: own[0]!.institution, listings: listingsOf, inspectors: d.inspectors.map((id) => ({ id, name: names.get(id) ?? id })) };
      });
      const outcome: InspectionDraw = {
        drawId: req.drawId,
        algorithm: result.algorithm,
        seedCommitment: result.seedCommitment,
        eligible: result.sample.eligible,
        assignments,
        shortfalls: result.shortfalls.map((s) => ({ institutionId: s.institutionId, missing: s.missing, detail: s.detail })),
      };
      await store.inspectionDraws.updateOne(
        { _id: req.drawId, status: 'committed' },
        { $set: { status: 'drawn', record: { input, result }, outcome, drawnAt: new Date() } },
      );
      const stored = await store.inspectionDraws.findOne({ _id: req.drawId });
      return { ok: true, draw: (stored?.outcome as InspectionDraw | undefined) ?? outcome };
    },
  };
}
