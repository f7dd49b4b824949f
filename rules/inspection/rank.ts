/**
 * The draw order of a campaign, on top of the R7.3 ranking primitive of rules/draw (`drawRank`,
 * algorithm `hmac-sha256-rank/v1`): nothing here computes an HMAC itself.
 *
 * Scopes keep the two draws of a campaign apart (the `caseId` of `drawRank`):
 *   - institutions: `${campaignId}#institutions`, so an institution's rank is
 *     HMAC-SHA256(seed, `${campaignId}#institutions:${institutionId}`);
 *   - inspectors for one institution: `${campaignId}#inspectors#${institutionId}`, so each drawn
 *     institution gets its own random order of the inspectors.
 * By hand: `printf %s "$campaignId#institutions:$institutionId" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$seed`.
 */
import { drawRank } from '../draw/index.js';

export function institutionScope(campaignId: string): string {
  return `${campaignId}#institutions`;
}

export function inspectorScope(campaignId: string, institutionId: string): string {
  return `${campaignId}#inspectors#${institutionId}`;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `ids` in draw order: ascending `drawRank(seed, scope, id)`, ties (never seen in practice) by id.
 * Throws rules/draw's DrawInputError for a malformed seed.
 */
export function rankOrder(seed: string, scope: string, ids: readonly string[]): string[] {
  return ids
    .map((id) => ({ id, rank: drawRank(seed, scope, id) }))
    .sort((a, b) => byCodeUnits(a.rank, b.rank) || byCodeUnits(a.id, b.id))
    .map((e) => e.id);
}
