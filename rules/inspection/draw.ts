/**
 * R16 random inspection campaign (双随机一公开): institutions drawn at random from the directory,
 * inspectors drawn at random for each of them, the result published with what anyone needs to re-run
 * it. Pure: no I/O, no clock (the draw date is a parameter). node:crypto is used for hashing (the
 * ranking itself is rules/draw's `drawRank`), so this runs in activities, never in workflows.
 *
 * Algorithm `hmac-sha256-rank/v1` (shared with the R7.3 expert draw; see rank.ts for the scopes):
 *   1. the eligible institutions: listings in force (`valid`, `lapsing`) inside the jurisdiction that
 *      match the filters, grouped by institution: an institution with several matching listings is
 *      one unit of the draw;
 *   2. the eligible inspectors: the active ones;
 *   3. snapshot = the sorted ids of both, and the SHA-256 of the canonical JSON (RFC 8785) of the
 *      eligible institutions (with their matching listings), the eligible inspectors (as read) and
 *      the related organisations of the eligible institutions;
 *   4. the institutions in ascending rank under scope `${campaignId}#institutions`; the first
 *      `sample` of them are drawn (the sample is capped at the number eligible);
 *   5. seats = drawn × inspectorsPerInstitution; load cap = ceil(seats / eligible inspectors);
 *   6. for each drawn institution, in draw order: the inspectors in ascending rank under scope
 *      `${campaignId}#inspectors#${institutionId}`; skip the recused and those at the load cap; the
 *      first `inspectorsPerInstitution` are assigned. Fewer → a shortfall (never an error);
 *   7. proof = SHA-256 of the canonical JSON of the result without its proof.
 *
 * Commit–reveal as in rules/draw: the activity records `commitSeed(seed)` before it reads the
 * directory and the inspector list, and passes it as `seedCommitment`.
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { DrawInputError, commitSeed, verifyCommitment } from '../draw/index.js';
import { CalendarInputError } from '../calendar/errors.js';
import { dayStart, isoDateOf, parseIsoDate, type IsoDate } from '../calendar/dates.js';
import { KINDS, type Kind } from '../kinds.js';
import {
  LISTING_STATUSES,
  InspectionInputError,
  inspectionPolicy,
  type InspectionRecusalReason,
  type ListingStatus,
  type SampleSize,
  type ShortfallReason,
} from './policy.js';
import { institutionScope, inspectorScope, rankOrder } from './rank.js';

// canonicalize is CommonJS (`module.exports = fn`) with an ESM-style .d.ts: the default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Who runs the campaign: the national group (every institution) or a provincial HR department (its province). */
export type Jurisdiction = 'national' | `province:${string}`;

/** A directory entry as the draw reads it (a subset of machines/kit.ts DirectoryEntry, plus risk flags). */
export interface InspectionListing {
  listingId: string;
  kind: Kind;
  institution: { id: string; name: string; province: string };
  occupation: { code: string; name?: string };
  status: ListingStatus;
  /** Risk flags raised on the listing (complaints, late annual report...), for risk-targeted campaigns. */
  riskFlags?: string[];
}

/** Every given filter must match (an absent filter matches everything); within a list, any value matches. */
export interface CampaignFilters {
  kind?: Kind;
  occupationCodes?: string[];
  /** Any-of: a listing matches when it carries at least one of these flags. */
  riskFlags?: string[];
  /** Two-digit province codes (GB/T 2260). */
  provinces?: string[];
}

export interface InspectorEmployment {
  /** An institution id (`inst-1` or `institution:inst-1`) or another organisation's id. */
  employer: string;
  from: IsoDate;
  /** Last day of the employment; absent or null while it lasts. */
  to?: IsoDate | null;
}

/** A member of the inspector list (执法检查人员名录). */
export interface Inspector {
  id: string;
  name: string;
  /** The unit the inspector belongs to, e.g. `locality:440100`, or `institution:inst-1` for an institution's own staff. */
  unit: string;
  /** Current employer (see InspectorEmployment.employer). */
  employer: string;
  employmentHistory: InspectorEmployment[];
  active: boolean;
}

export interface CampaignDrawInput {
  /** 64 lowercase hex characters, from rules/draw `newSeed()`. */
  seed: string;
  /** The commitment recorded before the directory and the inspector list were read; when given, the seed must match it. */
  seedCommitment?: string;
  campaignId: string;
  jurisdiction: Jurisdiction;
  listings: InspectionListing[];
  filters?: CampaignFilters;
  /** Institutions to draw; default inspectionPolicy.sampleSize. */
  institutionCount?: SampleSize;
  inspectors: Inspector[];
  /** Default inspectionPolicy.inspectorsPerInstitution.default (2). */
  inspectorsPerInstitution?: number;
  /** Organisations related to an institution (parent, subsidiaries, branches...), by institution id. */
  relatedOrganisations?: Record<string, string[]>;
  /** The day of the draw: the recusal lookback counts back from it. */
  drawDate: IsoDate;
}

/** An eligible institution: one unit of the draw, with its listings that match the campaign. */
export interface EligibleInstitution {
  institutionId: string;
  province: string;
  /** Ids of the matching listings, sorted. */
  listings: string[];
}

export interface InspectorRecusal {
  inspectorId: string;
  reason: InspectionRecusalReason;
  rule: 'R16';
  /** Human-readable grounds, e.g. `worked for the institution inst-1 until 2024-03-01 (...)`. */
  detail: string;
}

export interface DrawnInstitution {
  institutionId: string;
  /** Ids of the institution's listings that match the campaign, sorted. */
  listings: string[];
  /** Assigned inspector ids, in the institution's draw order. */
  inspectors: string[];
  /** Every recusal reason of every eligible inspector for this institution, by inspector id. */
  recused: InspectorRecusal[];
}

export interface Shortfall {
  institutionId: string;
  rule: 'R16';
  required: number;
  assigned: number;
  missing: number;
  reason: ShortfallReason;
  detail: string;
}

export interface CampaignSnapshot {
  /** Ids of the eligible institutions, sorted. */
  institutions: string[];
  /** Ids of the eligible (active) inspectors, sorted. */
  inspectors: string[];
  /** SHA-256 (hex) of the canonical JSON of what the draw read (see the file header). */
  hash: string;
}

export interface CampaignDraw {
  algorithm: typeof inspectionPolicy.algorithm;
  rule: 'R16';
  campaignId: string;
  jurisdiction: Jurisdiction;
  drawDate: IsoDate;
  /** SHA-256 of the canonical request (campaign, jurisdiction, filters, sample, inspectors per institution, date), without the seed. */
  requestHash: string;
  seedCommitment: string;
  seed: string;
  snapshot: CampaignSnapshot;
  sample: { requested: SampleSize; eligible: number; drawn: number };
  inspectorsPerInstitution: number;
  /** The most institutions one inspector is assigned to. */
  loadCap: number;
  /** The drawn institutions, in draw order. */
  institutions: DrawnInstitution[];
  /** Drawn institutions that did not get all their inspectors, in draw order. */
  shortfalls: Shortfall[];
  /** SHA-256 of the canonical JSON of all the fields above. */
  proof: string;
}

/** What is stored, and what anyone re-runs: the input exactly as drawn and the result. */
export interface CampaignDrawRecord {
  input: CampaignDrawInput;
  result: CampaignDraw;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const HASH_RE = /^[0-9a-f]{64}$/;
const PROVINCE_RE = /^[0-9]{2}$/;
const JURISDICTION_RE = /^(national|province:[0-9]{2})$/;

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function canonicalJson(value: unknown): string {
  const json = canonicalize(value);
  if (json === undefined) throw new Error('internal: value cannot be canonicalised');
  return json;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InspectionInputError(field, 'expected a non-empty string');
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new InspectionInputError(field, 'expected an array of strings');
  return value.map((v, i) => nonEmptyString(v, `${field}[${i}]`));
}

function sortedUnique(list: string[]): string[] {
  return [...new Set(list)].sort(byCodeUnits);
}

function checkDate(value: unknown, field: string): IsoDate {
  try {
    return parseIsoDate(value as string, field);
  } catch (error) {
    if (error instanceof CalendarInputError) throw new InspectionInputError(field, error.message.slice(field.length + 2));
    throw error;
  }
}

function positiveInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InspectionInputError(field, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `institution:inst-1` and `inst-1` name the same organisation; units compare as written. */
function organisationKey(id: string): string {
  return id.startsWith('institution:') ? id.slice('institution:'.length) : id;
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

interface NormalisedFilters {
  kind?: Kind;
  occupationCodes?: string[];
  riskFlags?: string[];
  provinces?: string[];
}

interface NormalisedListing {
  listingId: string;
  kind: Kind;
  institutionId: string;
  province: string;
  occupationCode: string;
  status: ListingStatus;
  riskFlags: string[];
}

interface NormalisedInspector {
  id: string;
  name: string;
  unit: string;
  employer: string;
  employmentHistory: { employer: string; from: IsoDate; to: IsoDate | null }[];
  active: boolean;
}

function checkJurisdiction(value: unknown): Jurisdiction {
  if (typeof value !== 'string' || !JURISDICTION_RE.test(value)) {
    throw new InspectionInputError(
      'jurisdiction',
      `expected "national" or "province:<two-digit code>", got ${JSON.stringify(value)} ` +
        '(a locality cannot be matched: directory listings record the province only)',
    );
  }
  return value as Jurisdiction;
}

function optionalList(raw: Record<string, unknown>, key: string, field: string, pattern?: RegExp): string[] | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  const list = stringList(value, field);
  if (list.length === 0) throw new InspectionInputError(field, 'expected at least one value (omit the filter to match everything)');
  list.forEach((v, i) => {
    if (pattern !== undefined && !pattern.test(v)) throw new InspectionInputError(`${field}[${i}]`, `${JSON.stringify(v)} does not match ${pattern.source}`);
  });
  return sortedUnique(list);
}

function normaliseFilters(raw: unknown): NormalisedFilters {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw new InspectionInputError('filters', 'expected { kind?, occupationCodes?, riskFlags?, provinces? }');
  const out: NormalisedFilters = {};
  if (raw['kind'] !== undefined) {
    if (!(KINDS as readonly unknown[]).includes(raw['kind'])) {
      throw new InspectionInputError('filters.kind', `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(raw['kind'])}`);
    }
    out.kind = raw['kind'] as Kind;
  }
  const occupationCodes = optionalList(raw, 'occupationCodes', 'filters.occupationCodes');
  if (occupationCodes !== undefined) out.occupationCodes = occupationCodes;
  const riskFlags = optionalList(raw, 'riskFlags', 'filters.riskFlags');
  if (riskFlags !== undefined) out.riskFlags = riskFlags;
  const provinces = optionalList(raw, 'provinces', 'filters.provinces', PROVINCE_RE);
  if (provinces !== undefined) out.provinces = provinces;
  return out;
}

function normaliseListing(raw: unknown, field: string): NormalisedListing {
  if (!isRecord(raw)) throw new InspectionInputError(field, 'expected a listing { listingId, kind, institution, occupation, status }');
  const institution = raw['institution'];
  if (!isRecord(institution)) throw new InspectionInputError(`${field}.institution`, 'expected { id, name, province }');
  const occupation = raw['occupation'];
  if (!isRecord(occupation)) throw new InspectionInputError(`${field}.occupation`, 'expected { code }');
  if (!(KINDS as readonly unknown[]).includes(raw['kind'])) {
    throw new InspectionInputError(`${field}.kind`, `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(raw['kind'])}`);
  }
  if (!(LISTING_STATUSES as readonly unknown[]).includes(raw['status'])) {
    throw new InspectionInputError(`${field}.status`, `expected one of ${LISTING_STATUSES.join(', ')}, got ${JSON.stringify(raw['status'])}`);
  }
  const province = nonEmptyString(institution['province'], `${field}.institution.province`);
  if (!PROVINCE_RE.test(province)) throw new InspectionInputError(`${field}.institution.province`, `expected a two-digit province code, got ${JSON.stringify(province)}`);
  return {
    listingId: nonEmptyString(raw['listingId'], `${field}.listingId`),
    kind: raw['kind'] as Kind,
    institutionId: nonEmptyString(institution['id'], `${field}.institution.id`),
    province,
    occupationCode: nonEmptyString(occupation['code'], `${field}.occupation.code`),
    status: raw['status'] as ListingStatus,
    riskFlags: raw['riskFlags'] === undefined ? [] : sortedUnique(stringList(raw['riskFlags'], `${field}.riskFlags`)),
  };
}

function normaliseListings(raw: unknown): NormalisedListing[] {
  if (!Array.isArray(raw)) throw new InspectionInputError('listings', 'expected an array of directory listings');
  const list = raw.map((l, i) => normaliseListing(l, `listings[${i}]`));
  const ids = new Set<string>();
  const provinceOf = new Map<string, string>();
  for (const l of list) {
    if (ids.has(l.listingId)) throw new InspectionInputError('listings', `listing ${l.listingId} appears twice`);
    ids.add(l.listingId);
    const known = provinceOf.get(l.institutionId);
    if (known !== undefined && known !== l.province) {
      throw new InspectionInputError('listings', `institution ${l.institutionId} is listed in two provinces (${known} and ${l.province})`);
    }
    provinceOf.set(l.institutionId, l.province);
  }
  return list;
}

function normaliseInspector(raw: unknown, field: string): NormalisedInspector {
  if (!isRecord(raw)) throw new InspectionInputError(field, 'expected an inspector { id, name, unit, employer, employmentHistory, active }');
  const history = raw['employmentHistory'];
  if (!Array.isArray(history)) throw new InspectionInputError(`${field}.employmentHistory`, 'expected an array');
  const employmentHistory = history.map((p: unknown, i) => {
    const at = `${field}.employmentHistory[${i}]`;
    if (!isRecord(p)) throw new InspectionInputError(at, 'expected { employer, from, to? }');
    const from = checkDate(p['from'], `${at}.from`);
    const to = p['to'] === undefined || p['to'] === null ? null : checkDate(p['to'], `${at}.to`);
    if (to !== null && to < from) throw new InspectionInputError(`${at}.to`, `ends (${to}) before it starts (${from})`);
    return { employer: nonEmptyString(p['employer'], `${at}.employer`), from, to };
  });
  employmentHistory.sort((a, b) => byCodeUnits(a.employer, b.employer) || byCodeUnits(a.from, b.from) || byCodeUnits(a.to ?? '', b.to ?? ''));
  if (typeof raw['name'] !== 'string') throw new InspectionInputError(`${field}.name`, 'expected a string');
  if (typeof raw['active'] !== 'boolean') throw new InspectionInputError(`${field}.active`, 'expected true or false');
  if (typeof raw['employer'] !== 'string') throw new InspectionInputError(`${field}.employer`, 'expected a string');
  return {
    id: nonEmptyString(raw['id'], `${field}.id`),
    name: raw['name'],
    unit: nonEmptyString(raw['unit'], `${field}.unit`),
    employer: raw['employer'],
    employmentHistory,
    active: raw['active'],
  };
}

function normaliseInspectors(raw: unknown): NormalisedInspector[] {
  if (!Array.isArray(raw)) throw new InspectionInputError('inspectors', 'expected an array of inspectors');
  const list = raw.map((x, i) => normaliseInspector(x, `inspectors[${i}]`));
  list.sort((a, b) => byCodeUnits(a.id, b.id));
  for (let i = 1; i < list.length; i++) {
    if (list[i]?.id === list[i - 1]?.id) throw new InspectionInputError('inspectors', `inspector ${list[i]?.id} appears twice`);
  }
  return list;
}

function normaliseRelated(raw: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (raw === undefined) return out;
  if (!isRecord(raw)) throw new InspectionInputError('relatedOrganisations', 'expected { [institutionId]: organisation ids }');
  for (const [key, value] of Object.entries(raw)) {
    out.set(organisationKey(key), sortedUnique(stringList(value, `relatedOrganisations.${key}`)));
  }
  return out;
}

function normaliseSample(raw: unknown): SampleSize {
  const max = inspectionPolicy.maximumSampleCount;
  if (raw === undefined) return inspectionPolicy.sampleSize;
  if (typeof raw === 'number') return positiveInteger(raw, 'institutionCount', 1, max);
  if (!isRecord(raw)) throw new InspectionInputError('institutionCount', 'expected a count, or { share, minimum }');
  const { share, minimum } = raw;
  if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share > 1) {
    throw new InspectionInputError('institutionCount.share', `expected a share greater than 0 and at most 1, got ${JSON.stringify(share)}`);
  }
  return { share, minimum: positiveInteger(minimum, 'institutionCount.minimum', 0, max) };
}

/** How many of `eligible` institutions the sample draws (never more than are eligible). */
export function sampleCount(sample: SampleSize, eligible: number): number {
  if (typeof sample === 'number') return Math.min(sample, eligible);
  // The epsilon keeps 0.07 × 100 (= 7.000000000000001 in binary floating point) at 7.
  const byShare = Math.ceil(sample.share * eligible - 1e-9);
  return Math.min(eligible, Math.max(sample.minimum, byShare));
}

interface NormalisedInput {
  seed: string;
  campaignId: string;
  jurisdiction: Jurisdiction;
  filters: NormalisedFilters;
  sample: SampleSize;
  inspectorsPerInstitution: number;
  drawDate: IsoDate;
  listings: NormalisedListing[];
  inspectors: NormalisedInspector[];
  related: Map<string, string[]>;
}

function normaliseInput(raw: CampaignDrawInput): NormalisedInput {
  if (!isRecord(raw)) throw new InspectionInputError('input', 'expected a campaign draw input object');
  let seedCommitment: string;
  try {
    seedCommitment = commitSeed(raw.seed);
  } catch (error) {
    if (error instanceof DrawInputError) throw new InspectionInputError('seed', error.message.slice('seed: '.length));
    throw error;
  }
  if (raw.seedCommitment !== undefined && (typeof raw.seedCommitment !== 'string' || raw.seedCommitment.toLowerCase() !== seedCommitment)) {
    throw new InspectionInputError('seed', 'the seed does not match the commitment recorded before the snapshot');
  }
  const per = inspectionPolicy.inspectorsPerInstitution;
  return {
    seed: raw.seed,
    campaignId: nonEmptyString(raw.campaignId, 'campaignId'),
    jurisdiction: checkJurisdiction(raw.jurisdiction),
    filters: normaliseFilters(raw.filters),
    sample: normaliseSample(raw.institutionCount),
    inspectorsPerInstitution:
      raw.inspectorsPerInstitution === undefined ? per.default : positiveInteger(raw.inspectorsPerInstitution, 'inspectorsPerInstitution', per.minimum, per.maximum),
    drawDate: checkDate(raw.drawDate, 'drawDate'),
    listings: normaliseListings(raw.listings),
    inspectors: normaliseInspectors(raw.inspectors),
    related: normaliseRelated(raw.relatedOrganisations),
  };
}

// ---------------------------------------------------------------------------------------------
// Eligibility
// ---------------------------------------------------------------------------------------------

function listingMatches(l: NormalisedListing, jurisdiction: Jurisdiction, f: NormalisedFilters): boolean {
  if (!inspectionPolicy.activeStatuses.includes(l.status)) return false;
  if (jurisdiction !== 'national' && l.province !== jurisdiction.slice('province:'.length)) return false;
  if (f.kind !== undefined && l.kind !== f.kind) return false;
  if (f.occupationCodes !== undefined && !f.occupationCodes.includes(l.occupationCode)) return false;
  if (f.riskFlags !== undefined && !l.riskFlags.some((flag) => f.riskFlags?.includes(flag))) return false;
  if (f.provinces !== undefined && !f.provinces.includes(l.province)) return false;
  return true;
}

function eligibleFrom(listings: NormalisedListing[], jurisdiction: Jurisdiction, filters: NormalisedFilters): EligibleInstitution[] {
  const byInstitution = new Map<string, EligibleInstitution>();
  for (const l of listings) {
    if (!listingMatches(l, jurisdiction, filters)) continue;
    const entry = byInstitution.get(l.institutionId) ?? { institutionId: l.institutionId, province: l.province, listings: [] };
    entry.listings.push(l.listingId);
    byInstitution.set(l.institutionId, entry);
  }
  return [...byInstitution.values()]
    .map((e) => ({ ...e, listings: [...e.listings].sort(byCodeUnits) }))
    .sort((a, b) => byCodeUnits(a.institutionId, b.institutionId));
}

/**
 * R16: the institutions a campaign draws from: those with at least one listing in force (`valid`,
 * `lapsing`) inside the jurisdiction that matches the filters, each once, sorted by id. Throws
 * InspectionInputError for malformed listings, jurisdiction or filters.
 */
export function eligibleInstitutions(listings: InspectionListing[], jurisdiction: Jurisdiction, filters?: CampaignFilters): EligibleInstitution[] {
  return eligibleFrom(normaliseListings(listings), checkJurisdiction(jurisdiction), normaliseFilters(filters));
}

// ---------------------------------------------------------------------------------------------
// Recusal
// ---------------------------------------------------------------------------------------------

/**
 * Why the inspector is tied to `organisation` on `drawDate` (now, or until a day on or after
 * `cutoff`), or undefined. Same reading as the R7.3 expert recusal of rules/draw (whose helper is
 * not exported): the current employer, or an employment that started by the draw date and ended on
 * or after the cutoff; a test checks that both give the same answer.
 */
function employmentTie(inspector: NormalisedInspector, organisation: string, subject: string, drawDate: IsoDate, cutoff: IsoDate): string | undefined {
  const key = organisationKey(organisation);
  if (organisationKey(inspector.employer) === key) return `works for ${subject} (current employer)`;
  let latest: NormalisedInspector['employmentHistory'][number] | undefined;
  for (const p of inspector.employmentHistory) {
    if (organisationKey(p.employer) !== key || p.from > drawDate) continue;
    if (p.to !== null && p.to < cutoff) continue;
    if (latest === undefined || (latest.to !== null && (p.to === null || p.to > latest.to))) latest = p;
  }
  if (latest === undefined) return undefined;
  if (latest.to === null || latest.to >= drawDate) return `works for ${subject} (since ${latest.from})`;
  return `worked for ${subject} until ${latest.to}, within ${inspectionPolicy.recusal.lookbackYears} years before the draw (${cutoff} or later)`;
}

function recusalsOf(inspector: NormalisedInspector, institutionId: string, related: string[], drawDate: IsoDate, cutoff: IsoDate): InspectorRecusal[] {
  const out: InspectorRecusal[] = [];
  const add = (reason: InspectionRecusalReason, detail: string): void => {
    out.push({ inspectorId: inspector.id, reason, rule: 'R16', detail });
  };
  if (organisationKey(inspector.unit) === organisationKey(institutionId)) add('unit-is-institution', `belongs to the institution ${institutionId} (unit ${inspector.unit})`);
  const own = employmentTie(inspector, institutionId, `the institution ${institutionId}`, drawDate, cutoff);
  if (own !== undefined) add('employed-by-institution', own);
  for (const organisation of related) {
    const tie = employmentTie(inspector, organisation, `${organisation} (related to the institution ${institutionId})`, drawDate, cutoff);
    if (tie !== undefined) add('employed-by-related-organisation', tie);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The draw
// ---------------------------------------------------------------------------------------------

function requestHashOf(req: NormalisedInput): string {
  const { campaignId, jurisdiction, filters, sample, inspectorsPerInstitution, drawDate } = req;
  return sha256Hex(canonicalJson({ campaignId, jurisdiction, filters, sample, inspectorsPerInstitution, drawDate }));
}

function snapshotHashOf(institutions: EligibleInstitution[], listings: NormalisedListing[], inspectors: NormalisedInspector[], related: Map<string, string[]>): string {
  const byId = new Map(listings.map((l) => [l.listingId, l]));
  return sha256Hex(
    canonicalJson({
      institutions: institutions.map((i) => ({
        institutionId: i.institutionId,
        province: i.province,
        listings: i.listings.map((id) => byId.get(id)),
        relatedOrganisations: related.get(organisationKey(i.institutionId)) ?? [],
      })),
      inspectors,
    }),
  );
}

function proofOf(result: Omit<CampaignDraw, 'proof'>): string {
  const { algorithm, rule, campaignId, jurisdiction, drawDate, requestHash, seedCommitment, seed, snapshot, sample, inspectorsPerInstitution, loadCap, institutions, shortfalls } = result;
  return sha256Hex(
    canonicalJson({ algorithm, rule, campaignId, jurisdiction, drawDate, requestHash, seedCommitment, seed, snapshot, sample, inspectorsPerInstitution, loadCap, institutions, shortfalls }),
  );
}

/**
 * R16 双随机一公开: draws the institutions of a campaign and, for each, its inspectors (see the file
 * header for the algorithm). Deterministic: the same input (in any order) gives the same result.
 * Throws InspectionInputError for invalid input; too few inspectors is a shortfall, never an error.
 */
export function drawCampaign(input: CampaignDrawInput): CampaignDraw {
  const req = normaliseInput(input);
  const cutoff = isoDateOf(dayStart(req.drawDate).minus({ years: inspectionPolicy.recusal.lookbackYears }));
  const eligible = eligibleFrom(req.listings, req.jurisdiction, req.filters);
  const inspectors = req.inspectors.filter((i) => i.active);
  const snapshot: CampaignSnapshot = {
    institutions: eligible.map((i) => i.institutionId),
    inspectors: inspectors.map((i) => i.id),
    hash: snapshotHashOf(eligible, req.listings, inspectors, req.related),
  };

  const drawnCount = sampleCount(req.sample, eligible.length);
  const byInstitutionId = new Map(eligible.map((i) => [i.institutionId, i]));
  const drawnIds = rankOrder(req.seed, institutionScope(req.campaignId), snapshot.institutions).slice(0, drawnCount);

  const k = req.inspectorsPerInstitution;
  const loadCap = inspectors.length === 0 ? 0 : Math.ceil((drawnCount * k) / inspectors.length);
  const load = new Map<string, number>();
  const staffed = new Map<string, { drawn: DrawnInstitution; shortfall?: Shortfall }>();
  const recusalsByInstitution = new Map(
    drawnIds.map((institutionId) => {
      const related = req.related.get(organisationKey(institutionId)) ?? [];
      return [institutionId, inspectors.flatMap((i) => recusalsOf(i, institutionId, related, req.drawDate, cutoff))] as const;
    }),
  );
  // Most constrained first: the institution with the fewest unrecused inspectors is staffed first (ties in
  // draw order), so a recusal does not leave it short after others took the inspectors it may have.
  const unrecusedCount = (id: string) => inspectors.length - new Set(recusalsByInstitution.get(id)!.map((r) => r.inspectorId)).size;
  const staffingOrder = drawnIds.map((id, i) => ({ id, i })).sort((a, b) => unrecusedCount(a.id) - unrecusedCount(b.id) || a.i - b.i);
  for (const { id: institutionId } of staffingOrder) {
    const recused = recusalsByInstitution.get(institutionId)!;
    const recusedIds = new Set(recused.map((r) => r.inspectorId));
    const assigned: string[] = [];
    let atCap = 0;
    for (const id of rankOrder(req.seed, inspectorScope(req.campaignId, institutionId), snapshot.inspectors)) {
      if (assigned.length === k) break;
      if (recusedIds.has(id)) continue;
      if ((load.get(id) ?? 0) >= loadCap) {
        atCap += 1;
        continue;
      }
      assigned.push(id);
    }
    for (const id of assigned) load.set(id, (load.get(id) ?? 0) + 1);
    const drawn: DrawnInstitution = { institutionId, listings: byInstitutionId.get(institutionId)?.listings ?? [], inspectors: assigned, recused };
    let shortfall: Shortfall | undefined;
    if (assigned.length < k) {
      const unrecused = inspectors.length - recusedIds.size;
      const reason: ShortfallReason = unrecused < k ? 'too-few-unrecused-inspectors' : 'load-limit';
      shortfall = {
        institutionId,
        rule: 'R16',
        required: k,
        assigned: assigned.length,
        missing: k - assigned.length,
        reason,
        detail:
          `needs ${k} inspectors, ${assigned.length} assigned: of ${inspectors.length} active inspector(s), ${recusedIds.size} recused` +
          (atCap > 0 ? ` and ${atCap} already at the maximum load of ${loadCap}` : '') +
          '. Add inspectors (or review the recusals) and assign the missing ones.',
      };
    }
    staffed.set(institutionId, { drawn, ...(shortfall ? { shortfall } : {}) });
  }
  const institutions: DrawnInstitution[] = drawnIds.map((id) => staffed.get(id)!.drawn);
  const shortfalls: Shortfall[] = drawnIds.flatMap((id) => (staffed.get(id)!.shortfall ? [staffed.get(id)!.shortfall!] : []));
  const result: Omit<CampaignDraw, 'proof'> = {
    algorithm: inspectionPolicy.algorithm,
    rule: 'R16',
    campaignId: req.campaignId,
    jurisdiction: req.jurisdiction,
    drawDate: req.drawDate,
    requestHash: requestHashOf(req),
    seedCommitment: commitSeed(req.seed),
    seed: req.seed,
    snapshot,
    sample: { requested: req.sample, eligible: eligible.length, drawn: drawnCount },
    inspectorsPerInstitution: k,
    loadCap,
    institutions,
    shortfalls,
  };
  return { ...result, proof: proofOf(result) };
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalize(a) === canonicalize(b);
}

/**
 * Checks a recorded campaign draw: the seed matches its commitment (and the input's), the proof
 * matches the result, and re-running the draw on the recorded input gives the same snapshot,
 * institutions, inspectors, recusals, shortfalls and proof. Never throws: every failure is a problem.
 */
export function verifyCampaignDraw(record: CampaignDrawRecord): { valid: boolean; problems: string[] } {
  const problems: string[] = [];
  try {
    if (!isRecord(record) || !isRecord(record.result)) return { valid: false, problems: ['the record has no draw result'] };
    const { input, result } = record;
    if (result.algorithm !== inspectionPolicy.algorithm) {
      problems.push(`unknown algorithm ${JSON.stringify(result.algorithm)} (expected ${inspectionPolicy.algorithm})`);
    }
    if (!verifyCommitment(result.seed, result.seedCommitment)) problems.push('the seed does not match the recorded seed commitment');
    if (isRecord(input) && input.seed !== result.seed) problems.push('the seed of the result is not the seed of the input');
    if (isRecord(input) && input.seedCommitment !== undefined && input.seedCommitment !== result.seedCommitment) {
      problems.push('the seed commitment of the result is not the one recorded before the snapshot');
    }
    if (typeof result.proof !== 'string' || !HASH_RE.test(result.proof) || proofOf(result) !== result.proof) {
      problems.push('the proof does not match the result: the result was changed after the draw');
    }

    let expected: CampaignDraw;
    try {
      expected = drawCampaign(input);
    } catch (error) {
      problems.push(`re-running the draw failed: ${(error as Error).message}`);
      return { valid: false, problems };
    }
    if (expected.requestHash !== result.requestHash) problems.push('the result was drawn for a different request (request hash differs)');
    if (!isRecord(result.snapshot) || expected.snapshot.hash !== result.snapshot.hash) {
      problems.push('the snapshot differs: the listings or the inspectors are not the ones the draw read (snapshot hash differs)');
    }
    if (!isRecord(result.snapshot) || !sameJson(expected.snapshot.institutions, result.snapshot.institutions) || !sameJson(expected.snapshot.inspectors, result.snapshot.inspectors)) {
      problems.push('the eligible institutions or inspectors differ from the re-run');
    }
    if (!sameJson(expected.sample, result.sample)) problems.push('the sample size differs from the re-run');
    const drawn = (r: CampaignDraw): unknown => (Array.isArray(r.institutions) ? r.institutions.map((i) => i.institutionId) : r.institutions);
    if (!sameJson(drawn(expected), drawn(result))) {
      problems.push(`the drawn institutions differ from the re-run: recorded ${JSON.stringify(drawn(result))}, re-run ${JSON.stringify(drawn(expected))}`);
    } else if (!sameJson(expected.institutions, result.institutions)) {
      problems.push('the listings, inspectors or recusals of the drawn institutions differ from the re-run');
    }
    if (!sameJson(expected.shortfalls, result.shortfalls)) problems.push('the shortfalls differ from the re-run');
    if (expected.loadCap !== result.loadCap || expected.inspectorsPerInstitution !== result.inspectorsPerInstitution) {
      problems.push('the load cap or the inspectors per institution differ from the re-run');
    }
    if (expected.proof !== result.proof) problems.push('the proof differs from the re-run');
  } catch (error) {
    problems.push(`the draw record could not be checked: ${(error as Error).message}`);
  }
  return { valid: problems.length === 0, problems };
}
