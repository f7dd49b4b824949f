/**
 * The random expert panel draw (R7.3) against the expert pool in the store. Commit, then reveal: the
 * seed is fixed and its hash recorded before the pool snapshot is taken, and a retried activity
 * reuses the same seed and record, so a draw cannot be repeated until someone likes the result.
 */
import { MongoServerError } from 'mongodb';
import type { DrawPanelRequest, PanelDraw } from '../machines/kit.js';
import { commitSeed, drawPanel, newSeed, PoolTooSmallError, snapshotPool, type DrawRequest, type Expert } from '../rules/draw/index.js';
import type { DrawDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';

export type DrawOutcome = { ok: true; draw: PanelDraw } | { ok: false; reason: string; eligible: number; required: number };

/** The draw's ranking (panel, then reserve, in draw order) split at the seats it fills. */
const toPanelDraw = (doc: DrawDoc): PanelDraw => {
  const ranking = [...doc.result!.panel, ...doc.result!.reserve];
  return { drawId: doc._id, algorithm: doc.result!.algorithm, seedCommitment: doc.seedCommitment, proof: doc.result!.proof, members: ranking.slice(0, doc.seats), reserve: ranking.slice(doc.seats) };
};

export function createPanelActivities(store: Pick<Store, 'experts' | 'draws'>) {
  async function commitment(drawId: string, caseId: string): Promise<DrawDoc> {
    const existing = await store.draws.findOne({ _id: drawId });
    if (existing) return existing;
    const seed = newSeed();
    const doc: DrawDoc = { _id: drawId, caseId, seed, seedCommitment: commitSeed(seed), committedAt: new Date(), status: 'committed' };
    try {
      await store.draws.insertOne(doc);
      return doc;
    } catch (e) {
      // A concurrent attempt committed first: its seed is the one.
      if (e instanceof MongoServerError && e.code === 11000) return (await store.draws.findOne({ _id: drawId }))!;
      throw e;
    }
  }

  return {
    async drawPanel(req: DrawPanelRequest & { drawId: string; drawDate: string }): Promise<DrawOutcome> {
      const committed = await commitment(req.drawId, req.caseId);
      if (committed.status === 'drawn') return { ok: true, draw: toPanelDraw(committed) };
      if (committed.status === 'failed') return { ok: false, ...committed.failure! };

      const experts: Expert[] = (await store.experts.find({ fields: req.field }).toArray()).map(({ _id: _ignored, updatedAt: _u, ...e }) => e);
      const pool = snapshotPool(experts);
      // A first draw forms the (odd-sized) panel. Refilling seats after the reserve ran out ranks the remaining
      // pool the same way (a panel of 1 plus its ordered reserve is the full ranking) and takes the seats needed.
      const refill = req.exclude.length > 0;
      const request: DrawRequest = {
        caseId: req.caseId,
        applicant: req.applicant,
        field: req.field,
        panelSize: refill ? 1 : req.panelSize,
        drawDate: req.drawDate,
        seed: committed.seed,
        seedCommitment: committed.seedCommitment,
        alreadyServing: req.exclude,
      };
      try {
        const result = drawPanel(pool, request);
        const eligible = result.panel.length + result.reserve.length;
        if (eligible < req.panelSize) {
          const failure = { reason: `R7.3: the expert pool of ${req.field} has ${eligible} eligible expert(s) left for ${req.panelSize} seat(s)`, eligible, required: req.panelSize };
          await store.draws.updateOne({ _id: req.drawId, status: 'committed' }, { $set: { status: 'failed', seats: req.panelSize, pool, request, result, failure, drawnAt: new Date() } });
          return { ok: false, ...failure };
        }
        const drawn: DrawDoc = { ...committed, status: 'drawn', seats: req.panelSize, pool, request, result, drawnAt: new Date() };
        await store.draws.replaceOne({ _id: req.drawId, status: 'committed' }, drawn);
        return { ok: true, draw: toPanelDraw((await store.draws.findOne({ _id: req.drawId }))!) };
      } catch (e) {
        if (!(e instanceof PoolTooSmallError)) throw e;
        const failure = { reason: e.message, eligible: e.eligible, required: e.required };
        await store.draws.updateOne({ _id: req.drawId, status: 'committed' }, { $set: { status: 'failed', seats: req.panelSize, pool, request, failure, drawnAt: new Date() } });
        return { ok: false, ...failure };
      }
    },
  };
}
