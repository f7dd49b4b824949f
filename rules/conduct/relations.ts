/**
 * R18(g): an evaluation institution, its subsidiaries, branches and technical support units must not
 * train in the occupation it evaluates. R18 Decision: the directory detects it, as an evaluation
 * listing and a training listing for the same occupation held by related organisations.
 *
 * Pure: no I/O, no clock.
 */
import { Type, type Static } from 'typebox';
import { KINDS } from '../kinds.js';
import { ConductInputError, LISTING_STATUSES, RELATION_TYPES, relationPolicy, type RelationType } from './policy.js';

const Id = Type.String({ minLength: 1, maxLength: 200 });

/** A listing as R18(g) reads it: who holds it, for which occupation, and its public status. */
export const ConductListingSchema = Type.Object(
  {
    listingId: Id,
    kind: Type.Enum(KINDS),
    institutionId: Id,
    occupationCode: Type.String({ minLength: 1, maxLength: 40 }),
    status: Type.Enum(LISTING_STATUSES),
  },
  { additionalProperties: false },
);
export type ConductListing = Static<typeof ConductListingSchema>;

/** R18(g) 下属、分支机构以及技术支持单位: `to` is a subsidiary, branch or technical support unit of `from` (read both ways). */
export const InstitutionRelationSchema = Type.Object(
  {
    from: Id,
    to: Id,
    type: Type.Enum(RELATION_TYPES),
  },
  { additionalProperties: false },
);
export type InstitutionRelation = Static<typeof InstitutionRelationSchema>;

/** An R18(g) conflict: an evaluation and a training listing for one occupation, held by related institutions. */
export interface SameOccupationConflict {
  occupationCode: string;
  /** The evaluation listing's id. */
  evaluation: string;
  /** The training listing's id. */
  training: string;
  /**
   * The institutions that relate them, from the evaluation listing's holder to the training
   * listing's: one id when one institution holds both, else a shortest chain of relations.
   */
  path: string[];
  /** The type of each relation along `path` (one fewer than `path`). */
  via: RelationType[];
  rule: 'R18(g)';
}

export interface ConflictOptions {
  /** How many relations a chain may have (default relationPolicy.maxDepth). */
  maxDepth?: number;
}

interface Edge {
  to: string;
  type: RelationType;
}

interface Reached {
  /** The path from the start to this institution. */
  path: string[];
  via: RelationType[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function adjacency(relations: readonly InstitutionRelation[]): Map<string, Edge[]> {
  const types: readonly string[] = relationPolicy.types;
  const edges = new Map<string, Edge[]>();
  const add = (from: string, to: string, type: RelationType) => {
    const list = edges.get(from) ?? [];
    list.push({ to, type });
    edges.set(from, list);
  };
  relations.forEach((relation, i) => {
    if (!types.includes(relation.type)) {
      throw new ConductInputError(`/relations/${i}/type`, `expected one of ${types.join(', ')}, got ${JSON.stringify(relation.type)}`);
    }
    for (const field of ['from', 'to'] as const) {
      if (typeof relation[field] !== 'string' || relation[field] === '') {
        throw new ConductInputError(`/relations/${i}/${field}`, 'expected an institution id');
      }
    }
    if (relation.from === relation.to) return;
    add(relation.from, relation.to, relation.type);
    add(relation.to, relation.from, relation.type);
  });
  // Sorted neighbours make the breadth-first search, and so the paths, independent of input order.
  for (const list of edges.values()) list.sort((a, b) => compare(a.to, b.to) || compare(a.type, b.type));
  return edges;
}

/** Breadth-first from `start`: every institution within `maxDepth` relations, with a shortest path to it. */
function reachable(start: string, edges: ReadonlyMap<string, readonly Edge[]>, maxDepth: number): Map<string, Reached> {
  const reached = new Map<string, Reached>([[start, { path: [start], via: [] }]]);
  let frontier = [start];
  for (let depth = 0; depth < maxDepth && frontier.length > 0; depth += 1) {
    const next: string[] = [];
    for (const id of frontier) {
      const here = reached.get(id);
      if (here === undefined) continue;
      for (const edge of edges.get(id) ?? []) {
        if (reached.has(edge.to)) continue;
        reached.set(edge.to, { path: [...here.path, edge.to], via: [...here.via, edge.type] });
        next.push(edge.to);
      }
    }
    frontier = next;
  }
  return reached;
}

function checkListings(listings: readonly ConductListing[]): void {
  const kinds: readonly string[] = KINDS;
  const statuses: readonly string[] = LISTING_STATUSES;
  listings.forEach((listing, i) => {
    if (!kinds.includes(listing.kind)) {
      throw new ConductInputError(`/listings/${i}/kind`, `expected "training" or "evaluation", got ${JSON.stringify(listing.kind)}`);
    }
    if (!statuses.includes(listing.status)) {
      throw new ConductInputError(`/listings/${i}/status`, `expected one of ${statuses.join(', ')}, got ${JSON.stringify(listing.status)}`);
    }
  });
}

/**
 * R18(g) 本机构及下属、分支机构以及技术支持单位不得参与开展本职业培训活动: every pair of an active
 * evaluation listing and an active training listing for the same occupation whose holders are the
 * same institution or related through at most `maxDepth` relations (subsidiary, branch, technical
 * support; read both ways and chained, relationPolicy).
 *
 * Only listings in relationPolicy.activeStatuses (valid, lapsing) count. The path is a shortest
 * chain, the same whatever the order of the input. Conflicts are sorted by occupation code, then
 * evaluation listing id, then training listing id.
 */
export function sameOccupationConflicts(
  listings: readonly ConductListing[],
  relations: readonly InstitutionRelation[],
  options: ConflictOptions = {},
): SameOccupationConflict[] {
  const maxDepth = options.maxDepth ?? relationPolicy.maxDepth;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new ConductInputError('maxDepth', `expected a non-negative integer, got ${JSON.stringify(maxDepth)}`);
  }
  checkListings(listings);
  const edges = adjacency(relations);
  const active: readonly string[] = relationPolicy.activeStatuses;
  const inForce = listings.filter((listing) => active.includes(listing.status));
  const byListingId = (a: ConductListing, b: ConductListing) => compare(a.listingId, b.listingId);
  const evaluations = inForce.filter((l) => l.kind === 'evaluation').sort((a, b) => compare(a.occupationCode, b.occupationCode) || byListingId(a, b));
  const trainings = inForce.filter((l) => l.kind === 'training').sort(byListingId);

  const reachCache = new Map<string, Map<string, Reached>>();
  const conflicts: SameOccupationConflict[] = [];
  for (const evaluation of evaluations) {
    let reached = reachCache.get(evaluation.institutionId);
    if (reached === undefined) {
      reached = reachable(evaluation.institutionId, edges, maxDepth);
      reachCache.set(evaluation.institutionId, reached);
    }
    for (const training of trainings) {
      if (training.occupationCode !== evaluation.occupationCode) continue;
      const link = reached.get(training.institutionId);
      if (link === undefined) continue;
      conflicts.push({
        occupationCode: evaluation.occupationCode,
        evaluation: evaluation.listingId,
        training: training.listingId,
        path: [...link.path],
        via: [...link.via],
        rule: 'R18(g)',
      });
    }
  }
  return conflicts;
}
