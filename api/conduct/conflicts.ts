/**
 * R18(g) over the store: the directory's listings in force and every registered relation, read and
 * handed to the pure `sameOccupationConflicts` (rules/conduct/relations.ts). Used by the relations
 * routes (the conflicts a new relation brings to light) and by the conduct review cases.
 */
import { relationPolicy, sameOccupationConflicts, type ConductListing, type InstitutionRelation, type SameOccupationConflict } from '../../rules/conduct/index.js';
import type { ListingDoc, RelationDoc } from '../../store/documents.js';
import type { Store } from '../../store/mongo.js';

/** A directory listing as R18(g) reads it. */
export function conductListing(l: Pick<ListingDoc, '_id' | 'kind' | 'institution' | 'occupation' | 'status'>): ConductListing {
  return { listingId: l._id, kind: l.kind, institutionId: l.institution.id, occupationCode: l.occupation.code, status: l.status };
}

/** A registered relation as R18(g) reads it. */
export function institutionRelation(r: Pick<RelationDoc, 'from' | 'to' | 'type'>): InstitutionRelation {
  return { from: r.from, to: r.to, type: r.type };
}

/** The listings in force (relationPolicy.activeStatuses): the only ones R18(g) counts. */
async function listingsInForce(store: Store): Promise<ConductListing[]> {
  const docs = await store.listings
    .find({ status: { $in: [...relationPolicy.activeStatuses] } }, { projection: { _id: 1, kind: 1, institution: 1, occupation: 1, status: 1 } })
    .toArray();
  return docs.map(conductListing);
}

async function allRelations(store: Store): Promise<InstitutionRelation[]> {
  const docs = await store.relations.find({}, { projection: { from: 1, to: 1, type: 1 } }).toArray();
  return docs.map(institutionRelation);
}

/**
 * Every R18(g) conflict in the whole directory now: each pair of an evaluation and a training listing
 * in force for one occupation whose holders are the same institution or related (registered
 * relations, chained up to relationPolicy.maxDepth). Sorted as sameOccupationConflicts sorts them
 * (occupation, evaluation listing, training listing).
 */
export async function currentConflicts(store: Store): Promise<SameOccupationConflict[]> {
  const [listings, relations] = await Promise.all([listingsInForce(store), allRelations(store)]);
  return sameOccupationConflicts(listings, relations);
}

/** The current conflicts whose chain of institutions (`path`, holders included) passes through any of `institutionIds`. */
export async function conflictsInvolving(store: Store, institutionIds: readonly string[]): Promise<SameOccupationConflict[]> {
  const ids = new Set(institutionIds);
  return (await currentConflicts(store)).filter((c) => c.path.some((id) => ids.has(id)));
}
