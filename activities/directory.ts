/**
 * The public directory (R2.1, R5): a published application becomes a listing valid for 3 years
 * (publication date + 3 years − 1 day, end of day Asia/Shanghai; R5.2 / R9 Decisions), with a dated
 * public change entry (R5.1). Idempotent: keyed by listing and application.
 */
import type { PublishListingRequest } from '../machines/kit.js';
import { computeDeadline, createCalendar } from '../rules/calendar/index.js';
import type { ListingDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';

export const listingIdOf = (kind: string, institutionId: string, occupationCode: string) => `${kind}:${institutionId}:${occupationCode}`;

export function createDirectoryActivities(store: Pick<Store, 'listings' | 'directoryChanges'>) {
  return {
    async publishListing(req: PublishListingRequest): Promise<{ listingId: string; validFrom: string; validUntil: string }> {
      const listingId = listingIdOf(req.kind, req.institution.id, req.occupation.code);
      // R5.2: valid for 3 years from publication; calendar years only (no working days), so never provisional.
      const expiry = computeDeadline(createCalendar(), { name: 'validUntil', rule: 'R5.2', from: req.publishedAt, offset: { years: 3, days: -1 }, time: 'endOfDay' });
      const listing: Omit<ListingDoc, '_id' | 'updatedAt'> = {
        kind: req.kind,
        institution: req.institution,
        occupation: req.occupation,
        organiser: req.organiser,
        recommender: req.recommender,
        period: 1,
        validFrom: expiry.explanation.start,
        validUntil: expiry.date,
        validUntilAt: expiry.at,
        status: 'valid',
        roundId: req.roundId,
        applicationId: req.applicationId,
        publishedAt: new Date(req.publishedAt),
      };
      await store.listings.updateOne({ _id: listingId, applicationId: req.applicationId }, { $set: { ...listing, updatedAt: new Date() } }, { upsert: true }).catch((e: { code?: number }) => {
        // A listing of the same institution × kind × occupation from another application exists: keep it (R2.1).
        if (e.code !== 11000) throw e;
      });
      await store.directoryChanges.updateOne(
        { _id: `${listingId}#published#${req.applicationId}` },
        { $setOnInsert: { listingId, at: new Date(req.publishedAt), change: 'published', rule: 'R5.1', snapshot: listing } },
        { upsert: true },
      );
      return { listingId, validFrom: listing.validFrom, validUntil: listing.validUntil };
    },
  };
}
