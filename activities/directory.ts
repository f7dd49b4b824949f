/**
 * Re-application bars (R9.3): recorded when a listing ends by deemed abandonment or removal, and read
 * by the selection intake. Idempotent: keyed by institution × kind × occupation × end date.
 */
import type { RecordBarRequest } from '../machines/listing.machine.js';
import type { Store } from '../store/mongo.js';

export function createDirectoryActivities(store: Pick<Store, 'bars'>) {
  return {
    async recordBar(req: RecordBarRequest & { caseId: string }): Promise<void> {
      const _id = `bar:${req.kind}:${req.institutionId}:${req.occupationCode}:${req.until}`;
      await store.bars.updateOne(
        { _id },
        { $setOnInsert: { institutionId: req.institutionId, kind: req.kind, occupationCode: req.occupationCode, until: req.until, reason: `R9.3: ${req.caseId} ended by deemed abandonment or removal`, createdAt: new Date() } },
        { upsert: true },
      );
    },
  };
}
