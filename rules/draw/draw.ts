/**
 * R7.3 random draw (随机抽选) of the expert panel from the expert pool (专家库) of a field, with recusal
 * (回避). Reproducible and auditable (R7.3 Decisions): the pool snapshot, the exclusions with reasons,
 * the seed and the algorithm are recorded, so anyone can re-run the draw and get the same panel.
 *
 * Commit–reveal: the activity calls `newSeed()`, records `commitSeed(seed)` BEFORE it takes the pool
 * snapshot, then draws. The seed is fixed before the pool is known, so nobody can retry the draw until
 * the result suits them, and nobody can pick a pool that suits a known seed without it showing.
 *
 * Algorithm `hmac-sha256-rank/v1` (everything hex is lowercase):
 *   - seed: 32 random bytes written as 64 hex characters; commitment = SHA-256 of those 32 bytes;
 *   - pool hash = SHA-256 of the RFC 8785 canonical JSON of the experts, sorted by id;
 *   - every eligible expert gets rank = HMAC-SHA256(key = the seed's 32 bytes, message =
 *     UTF-8 `${caseId}:${expertId}`); ascending rank (ties, never seen in practice, by id) is the
 *     draw order; the first `panelSize` form the panel, the others are the reserve, in order;
 *   - a declined or conflicted member is replaced by the first of the reserve: the next expert of the
 *     same random order, i.e. a new random draw from the remaining pool that anyone can repeat;
 *   - proof = SHA-256 of the canonical JSON of the result without its proof.
 * By hand: `printf %s "$seed" | xxd -r -p | sha256sum` gives the commitment and
 * `printf %s "$caseId:$expertId" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$seed` a rank.
 *
 * Pure functions apart from `newSeed()`. node:crypto is used, so this runs in activities, never in
 * workflows.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { CalendarInputError } from '../calendar/errors.js';
import { dayStart, isoDateOf, parseIsoDate, type IsoDate } from '../calendar/dates.js';

// canonicalize is CommonJS (`module.exports = fn`) with an ESM-style .d.ts: the default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export const DRAW_ALGORITHM = 'hmac-sha256-rank/v1';
export type DrawAlgorithm = typeof DRAW_ALGORITHM;

/** R7.3 Decisions: an expert who worked for the applicant or its recommender in this many years before the draw is recused. */
export const RECUSAL_LOOKBACK_YEARS = 3;

export interface EmploymentPeriod {
  /** Organisation id: an institution id (`inst-1` or `institution:inst-1`) or a unit such as `province:44`. */
  organisation: string;
  from: IsoDate;
  /** Last day of the employment; null while it lasts. */
  to: IsoDate | null;
}

/** A member of the expert pool (专家库). */
export interface Expert {
  id: string;
  name: string;
  /** Occupation codes or field codes the expert may review. */
  fields: string[];
  /** Current employer: an institution id or a unit (see EmploymentPeriod.organisation). */
  employer: string;
  employmentHistory: EmploymentPeriod[];
  active: boolean;
}

export interface DrawRequest {
  caseId: string;
  applicant: {
    /** The applicant institution: `inst-1` and `institution:inst-1` name the same one. */
    institutionId: string;
    /** The recommending unit (R7.2): `province:<code>` or `industry:<code>`. */
    recommender: string;
  };
  /** The field (occupation code) whose expert pool the panel is drawn from. */
  field: string;
  /** A positive odd integer (R7.3 Decisions: 5 by default, chosen by the caller). */
  panelSize: number;
  drawDate: IsoDate;
  /** 64 lowercase hex characters, from `newSeed()`. */
  seed: string;
  /** The commitment recorded before the pool snapshot; when given, the seed must match it. */
  seedCommitment?: string;
  /** Expert ids who declared a conflict (主动回避) for this case. */
  declaredConflicts?: string[];
  /** Expert ids already serving (e.g. on a panel that sits at the same time). */
  alreadyServing?: string[];
}

/** The pool exactly as the draw saw it: experts sorted by id, and the hash that pins them. */
export interface PoolSnapshot {
  experts: Expert[];
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of `experts`. */
  hash: string;
}

/** Reasons found by the draw itself, in the order they are checked. */
export const RECUSAL_REASONS = [
  'not-in-field',
  'inactive',
  'employed-by-applicant',
  'employed-by-recommender',
  'declared-conflict',
  'already-serving',
] as const;
export type RecusalReason = (typeof RECUSAL_REASONS)[number];

/** Reasons a panel member leaves after the draw (replaceMember). */
export const REPLACEMENT_REASONS = ['declined', 'conflict'] as const;
export type ReplacementReason = (typeof REPLACEMENT_REASONS)[number];

export type ExclusionReason = RecusalReason | ReplacementReason;

export interface Exclusion {
  expertId: string;
  reason: ExclusionReason;
  rule: 'R7.3';
  /** Human-readable grounds, e.g. `worked for institution:inst-1 until 2024-03-01 (...)`. */
  detail: string;
}

export interface DrawResult {
  algorithm: DrawAlgorithm;
  caseId: string;
  /** The field whose expert pool was drawn from. */
  field: string;
  /** SHA-256 of the canonical request (without its seed, which is recorded next to it). */
  requestHash: string;
  seedCommitment: string;
  seed: string;
  poolHash: string;
  /**
   * Every reason of every excluded expert (an expert may have several), in pool order (by id);
   * then replacements after the draw, in the order they happened.
   */
  exclusions: Exclusion[];
  /** Expert ids in draw order (a replacement joins at the end). */
  panel: string[];
  /** Every other eligible expert, in draw order. */
  reserve: string[];
  /** SHA-256 of the canonical JSON of all the fields above. */
  proof: string;
}

/** Invalid input to the draw (bad seed, even panel size, malformed expert...). `field` names it. */
export class DrawInputError extends Error {
  override readonly name = 'DrawInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

const REASON_LABELS: Record<ExclusionReason, string> = {
  'not-in-field': 'not in the field',
  inactive: 'inactive',
  'employed-by-applicant': 'works or worked for the applicant',
  'employed-by-recommender': 'works or worked for the recommender',
  'declared-conflict': 'declared a conflict',
  'already-serving': 'already serving',
  declined: 'declined after the draw',
  conflict: 'conflict after the draw',
};

/** A short English label of an exclusion reason, for tables and messages. */
export function reasonLabel(reason: ExclusionReason): string {
  return REASON_LABELS[reason];
}

/** The expert pool of the field has fewer eligible experts than the panel needs: the organiser must act. */
export class PoolTooSmallError extends Error {
  override readonly name = 'PoolTooSmallError';
  readonly rule = 'R7.3';
  readonly caseId: string;
  readonly field: string;
  /** Experts still available: eligible at the draw, minus those who left the panel since. */
  readonly eligible: number;
  readonly required: number;
  /** How many exclusions there are of each reason (an expert excluded for two reasons counts twice). */
  readonly exclusionsByReason: Record<ExclusionReason, number>;

  constructor(args: { caseId: string; field: string; eligible: number; required: number; exclusionsByReason: Record<ExclusionReason, number> }) {
    const excluded = (Object.keys(args.exclusionsByReason) as ExclusionReason[])
      .filter((r) => args.exclusionsByReason[r] > 0)
      .map((r) => `${args.exclusionsByReason[r]} ${REASON_LABELS[r]}`);
    super(
      `R7.3: the expert pool of field ${args.field} has only ${args.eligible} eligible expert(s) for case ${args.caseId}, ` +
        `but the panel needs ${args.required}. ` +
        `Exclusions: ${excluded.length > 0 ? excluded.join(', ') : 'none'}. ` +
        'Add experts of this field to the pool (or review the exclusions) and draw again.',
    );
    this.caseId = args.caseId;
    this.field = args.field;
    this.eligible = args.eligible;
    this.required = args.required;
    this.exclusionsByReason = args.exclusionsByReason;
  }
}

// ---------------------------------------------------------------------------------------------
// Seed: commit–reveal
// ---------------------------------------------------------------------------------------------

const SEED_RE = /^[0-9a-f]{64}$/;
const HASH_RE = /^[0-9a-f]{64}$/;

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function canonicalJson(value: unknown): string {
  const json = canonicalize(value);
  if (json === undefined) throw new Error('internal: value cannot be canonicalised');
  return json;
}

function assertSeed(seed: unknown, field = 'seed'): asserts seed is string {
  if (typeof seed !== 'string' || !SEED_RE.test(seed)) {
    throw new DrawInputError(field, 'expected 64 lowercase hex characters (32 bytes), as made by newSeed()');
  }
}

/** A fresh random seed: 32 bytes as 64 hex characters. The only impure function here (call it in the activity). */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** The commitment to a seed: SHA-256 (hex) of its 32 bytes. Record it before the pool snapshot is taken. */
export function commitSeed(seed: string): string {
  assertSeed(seed);
  return sha256Hex(Buffer.from(seed, 'hex'));
}

/** Does `seed` match the recorded `commitment`? False for a malformed seed or commitment, never a throw. */
export function verifyCommitment(seed: string, commitment: string): boolean {
  if (typeof seed !== 'string' || !SEED_RE.test(seed) || typeof commitment !== 'string') return false;
  return commitSeed(seed) === commitment.toLowerCase();
}

/** The draw rank of an expert: HMAC-SHA256(key = seed bytes, message = `${caseId}:${expertId}`), hex. Lower draws first. */
export function drawRank(seed: string, caseId: string, expertId: string): string {
  assertSeed(seed);
  return createHmac('sha256', Buffer.from(seed, 'hex')).update(`${caseId}:${expertId}`, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Pool snapshot
// ---------------------------------------------------------------------------------------------

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkDate(value: unknown, field: string): IsoDate {
  try {
    return parseIsoDate(value as string, field);
  } catch (error) {
    if (error instanceof CalendarInputError) throw new DrawInputError(field, error.message.slice(field.length + 2));
    throw error;
  }
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new DrawInputError(field, 'expected a non-empty string');
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new DrawInputError(field, 'expected an array of strings');
  return value.map((v, i) => nonEmptyString(v, `${field}[${i}]`));
}

/** A checked copy of an expert with exactly the known properties (so the pool hash covers what the draw reads). */
function normaliseExpert(raw: unknown, field: string): Expert {
  if (!isRecord(raw)) throw new DrawInputError(field, 'expected an expert object');
  const history = raw['employmentHistory'];
  if (!Array.isArray(history)) throw new DrawInputError(`${field}.employmentHistory`, 'expected an array');
  const employmentHistory = history.map((p: unknown, i): EmploymentPeriod => {
    const at = `${field}.employmentHistory[${i}]`;
    if (!isRecord(p)) throw new DrawInputError(at, 'expected { organisation, from, to }');
    const from = checkDate(p['from'], `${at}.from`);
    const to = p['to'] === null ? null : checkDate(p['to'], `${at}.to`);
    if (to !== null && to < from) throw new DrawInputError(`${at}.to`, `ends (${to}) before it starts (${from})`);
    return { organisation: nonEmptyString(p['organisation'], `${at}.organisation`), from, to };
  });
  if (typeof raw['name'] !== 'string') throw new DrawInputError(`${field}.name`, 'expected a string');
  if (typeof raw['active'] !== 'boolean') throw new DrawInputError(`${field}.active`, 'expected true or false');
  if (typeof raw['employer'] !== 'string') throw new DrawInputError(`${field}.employer`, 'expected a string');
  return {
    id: nonEmptyString(raw['id'], `${field}.id`),
    name: raw['name'],
    fields: stringList(raw['fields'], `${field}.fields`),
    employer: raw['employer'],
    employmentHistory,
    active: raw['active'],
  };
}

function normalisePool(experts: unknown, field: string): Expert[] {
  if (!Array.isArray(experts)) throw new DrawInputError(field, 'expected an array of experts');
  const list = experts.map((e, i) => normaliseExpert(e, `${field}[${i}]`));
  list.sort((a, b) => byCodeUnits(a.id, b.id));
  for (let i = 1; i < list.length; i++) {
    if (list[i]?.id === list[i - 1]?.id) throw new DrawInputError(field, `expert ${list[i]?.id} appears twice in the pool`);
  }
  return list;
}

function poolHashOf(sortedExperts: Expert[]): string {
  return sha256Hex(canonicalJson(sortedExperts));
}

/** Records the pool: a checked copy of the experts sorted by id, and the SHA-256 of their canonical JSON. */
export function snapshotPool(experts: Expert[]): PoolSnapshot {
  const sorted = normalisePool(experts, 'pool');
  return { experts: sorted, hash: poolHashOf(sorted) };
}

// ---------------------------------------------------------------------------------------------
// The draw
// ---------------------------------------------------------------------------------------------

interface NormalisedRequest {
  caseId: string;
  applicant: { institutionId: string; recommender: string };
  field: string;
  panelSize: number;
  drawDate: IsoDate;
  seed: string;
  declaredConflicts: string[];
  alreadyServing: string[];
}

function normaliseRequest(raw: DrawRequest): NormalisedRequest {
  if (!isRecord(raw)) throw new DrawInputError('request', 'expected a draw request object');
  const { panelSize } = raw;
  if (typeof panelSize !== 'number' || !Number.isInteger(panelSize) || panelSize < 1 || panelSize % 2 === 0) {
    throw new DrawInputError('panelSize', `the panel size must be a positive odd integer (R7.3), got ${JSON.stringify(panelSize)}`);
  }
  assertSeed(raw.seed);
  if (raw.seedCommitment !== undefined && !verifyCommitment(raw.seed, raw.seedCommitment)) {
    throw new DrawInputError('seed', 'the seed does not match the commitment recorded before the pool snapshot');
  }
  if (!isRecord(raw.applicant)) throw new DrawInputError('applicant', 'expected { institutionId, recommender }');
  const unique = (list: string[]): string[] => [...new Set(list)].sort(byCodeUnits);
  return {
    caseId: nonEmptyString(raw.caseId, 'caseId'),
    applicant: {
      institutionId: nonEmptyString(raw.applicant.institutionId, 'applicant.institutionId'),
      recommender: nonEmptyString(raw.applicant.recommender, 'applicant.recommender'),
    },
    field: nonEmptyString(raw.field, 'field'),
    panelSize,
    drawDate: checkDate(raw.drawDate, 'drawDate'),
    seed: raw.seed,
    declaredConflicts: unique(raw.declaredConflicts === undefined ? [] : stringList(raw.declaredConflicts, 'declaredConflicts')),
    alreadyServing: unique(raw.alreadyServing === undefined ? [] : stringList(raw.alreadyServing, 'alreadyServing')),
  };
}

function requestHashOf(req: NormalisedRequest): string {
  const { seed: _seed, ...rest } = req;
  return sha256Hex(canonicalJson(rest));
}

/** `institution:inst-1` and `inst-1` name the same organisation; units compare as written. */
function organisationKey(id: string): string {
  return id.startsWith('institution:') ? id.slice('institution:'.length) : id;
}

/** Why the expert is tied to `organisation` on `drawDate` (now, or until a day on or after `cutoff`), or undefined. */
function employmentTie(expert: Expert, organisation: string, label: string, drawDate: IsoDate, cutoff: IsoDate): string | undefined {
  const key = organisationKey(organisation);
  if (organisationKey(expert.employer) === key) return `works for the ${label} ${organisation} (current employer)`;
  let latest: EmploymentPeriod | undefined;
  for (const p of expert.employmentHistory) {
    if (organisationKey(p.organisation) !== key || p.from > drawDate) continue;
    if (p.to !== null && p.to < cutoff) continue;
    if (latest === undefined || (latest.to !== null && (p.to === null || p.to > latest.to))) latest = p;
  }
  if (latest === undefined) return undefined;
  if (latest.to === null || latest.to >= drawDate) return `works for the ${label} ${organisation} (since ${latest.from})`;
  return `worked for the ${label} ${organisation} until ${latest.to}, within ${RECUSAL_LOOKBACK_YEARS} years before the draw (${cutoff} or later)`;
}

function recusals(expert: Expert, req: NormalisedRequest, cutoff: IsoDate): Exclusion[] {
  const out: Exclusion[] = [];
  const add = (reason: RecusalReason, detail: string): void => {
    out.push({ expertId: expert.id, reason, rule: 'R7.3', detail });
  };
  if (!expert.fields.includes(req.field)) {
    add('not-in-field', `not in the expert pool of field ${req.field} (fields: ${expert.fields.join(', ') || 'none'})`);
  }
  if (!expert.active) add('inactive', 'inactive in the expert pool');
  const applicant = employmentTie(expert, req.applicant.institutionId, 'applicant', req.drawDate, cutoff);
  if (applicant !== undefined) add('employed-by-applicant', applicant);
  const recommender = employmentTie(expert, req.applicant.recommender, 'recommender', req.drawDate, cutoff);
  if (recommender !== undefined) add('employed-by-recommender', recommender);
  if (req.declaredConflicts.includes(expert.id)) add('declared-conflict', 'declared a conflict for this case');
  if (req.alreadyServing.includes(expert.id)) add('already-serving', 'already serving on a panel');
  return out;
}

function countByReason(exclusions: Exclusion[]): Record<ExclusionReason, number> {
  const counts = Object.fromEntries([...RECUSAL_REASONS, ...REPLACEMENT_REASONS].map((r) => [r, 0])) as Record<ExclusionReason, number>;
  for (const e of exclusions) counts[e.reason] += 1;
  return counts;
}

function proofOf(result: Omit<DrawResult, 'proof'>): string {
  const { algorithm, caseId, field, requestHash, seedCommitment, seed, poolHash, exclusions, panel, reserve } = result;
  return sha256Hex(canonicalJson({ algorithm, caseId, field, requestHash, seedCommitment, seed, poolHash, exclusions, panel, reserve }));
}

function sealed(result: Omit<DrawResult, 'proof'>): DrawResult {
  return { ...result, proof: proofOf(result) };
}

function drawFrom(experts: Expert[], poolHash: string, request: DrawRequest): DrawResult {
  const req = normaliseRequest(request);
  const cutoff = isoDateOf(dayStart(req.drawDate).minus({ years: RECUSAL_LOOKBACK_YEARS }));
  const exclusions: Exclusion[] = [];
  const eligible: { id: string; rank: string }[] = [];
  for (const expert of experts) {
    const found = recusals(expert, req, cutoff);
    if (found.length > 0) exclusions.push(...found);
    else eligible.push({ id: expert.id, rank: drawRank(req.seed, req.caseId, expert.id) });
  }
  eligible.sort((a, b) => byCodeUnits(a.rank, b.rank) || byCodeUnits(a.id, b.id));
  if (eligible.length < req.panelSize) {
    throw new PoolTooSmallError({
      caseId: req.caseId,
      field: req.field,
      eligible: eligible.length,
      required: req.panelSize,
      exclusionsByReason: countByReason(exclusions),
    });
  }
  const order = eligible.map((e) => e.id);
  return sealed({
    algorithm: DRAW_ALGORITHM,
    caseId: req.caseId,
    field: req.field,
    requestHash: requestHashOf(req),
    seedCommitment: commitSeed(req.seed),
    seed: req.seed,
    poolHash,
    exclusions,
    panel: order.slice(0, req.panelSize),
    reserve: order.slice(req.panelSize),
  });
}

/**
 * R7.3: draws the panel for `request` from the pool snapshot. Throws DrawInputError for invalid
 * input (even or non-positive panel size, bad seed, seed not matching `request.seedCommitment`, a
 * snapshot whose experts do not match its hash) and PoolTooSmallError when fewer experts are
 * eligible than the panel needs.
 */
export function drawPanel(snapshot: PoolSnapshot, request: DrawRequest): DrawResult {
  if (!isRecord(snapshot)) throw new DrawInputError('pool', 'expected a pool snapshot { experts, hash }');
  const experts = normalisePool(snapshot.experts, 'pool.experts');
  const poolHash = poolHashOf(experts);
  if (snapshot.hash !== poolHash) {
    throw new DrawInputError('pool.hash', 'the pool snapshot does not match its hash: the pool changed after it was recorded');
  }
  return drawFrom(experts, poolHash, request);
}

/**
 * R7.3 Decisions: a panel member who declines or has a conflict leaves the panel (recorded as an
 * exclusion with the reason) and the first of the reserve joins it — the next expert of the same
 * random order, so the replacement is a new random draw from the remaining pool that anyone can
 * repeat. Returns a new result with a new proof; throws PoolTooSmallError when the reserve is empty.
 */
export function replaceMember(result: DrawResult, expertId: string, reason: ReplacementReason): DrawResult {
  if (!(REPLACEMENT_REASONS as readonly string[]).includes(reason)) {
    throw new DrawInputError('reason', `expected one of ${REPLACEMENT_REASONS.join(', ')}, got ${JSON.stringify(reason)}`);
  }
  if (proofOf(result) !== result.proof) {
    throw new DrawInputError('result', 'the draw result does not match its proof: it was changed after the draw');
  }
  if (!result.panel.includes(expertId)) {
    throw new DrawInputError('expertId', `${expertId} is not on the panel of case ${result.caseId}`);
  }
  const next = result.reserve[0];
  const exclusion: Exclusion = {
    expertId,
    reason,
    rule: 'R7.3',
    detail: `${reason === 'declined' ? 'declined to serve' : 'conflict declared after the draw'}; ` +
      (next === undefined ? 'the reserve is empty' : `replaced by ${next}, the first of the reserve`),
  };
  if (next === undefined) {
    throw new PoolTooSmallError({
      caseId: result.caseId,
      field: result.field,
      eligible: result.panel.length - 1,
      required: result.panel.length,
      exclusionsByReason: countByReason([...result.exclusions, exclusion]),
    });
  }
  return sealed({
    algorithm: result.algorithm,
    caseId: result.caseId,
    field: result.field,
    requestHash: result.requestHash,
    seedCommitment: result.seedCommitment,
    seed: result.seed,
    poolHash: result.poolHash,
    exclusions: [...result.exclusions, exclusion],
    panel: [...result.panel.filter((id) => id !== expertId), next],
    reserve: result.reserve.slice(1),
  });
}

/** The replacements recorded in a result (exclusions after the draw), in the order they happened. */
export function replacementsOf(result: DrawResult): { expertId: string; reason: ReplacementReason }[] {
  return result.exclusions
    .filter((e): e is Exclusion & { reason: ReplacementReason } => (REPLACEMENT_REASONS as readonly string[]).includes(e.reason))
    .map((e) => ({ expertId: e.expertId, reason: e.reason }));
}

/**
 * Re-runs the draw and, when `recorded` is given, re-applies the replacements it records, so the
 * outcome is comparable with `recorded`. Throws like drawPanel and replaceMember.
 */
export function replayDraw(snapshot: PoolSnapshot, request: DrawRequest, recorded?: DrawResult): DrawResult {
  let result = drawPanel(snapshot, request);
  for (const r of recorded === undefined ? [] : replacementsOf(recorded)) result = replaceMember(result, r.expertId, r.reason);
  return result;
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalize(a) === canonicalize(b);
}

/**
 * Checks a recorded draw: the seed matches its commitment (and the request's), the pool is the one
 * recorded, and re-running the draw (with the recorded replacements) gives the same exclusions,
 * panel, reserve and proof. Never throws: every failure is a problem.
 */
export function verifyDraw(snapshot: PoolSnapshot, request: DrawRequest, result: DrawResult): { valid: boolean; problems: string[] } {
  const problems: string[] = [];
  try {
    if (!isRecord(result)) return { valid: false, problems: ['the draw result is not an object'] };
    if (result.algorithm !== DRAW_ALGORITHM) problems.push(`unknown algorithm ${JSON.stringify(result.algorithm)} (expected ${DRAW_ALGORITHM})`);
    if (!verifyCommitment(result.seed, result.seedCommitment)) problems.push('the seed does not match the recorded seed commitment');
    if (isRecord(request) && request.seed !== result.seed) problems.push('the seed of the result is not the seed of the request');
    if (isRecord(request) && request.seedCommitment !== undefined && request.seedCommitment !== result.seedCommitment) {
      problems.push('the seed commitment of the result is not the one recorded before the pool snapshot');
    }
    if (typeof result.proof !== 'string' || !HASH_RE.test(result.proof) || proofOf(result) !== result.proof) {
      problems.push('the proof does not match the result: the result was changed after the draw');
    }

    let experts: Expert[] | undefined;
    try {
      experts = normalisePool(isRecord(snapshot) ? snapshot.experts : undefined, 'pool.experts');
    } catch (error) {
      problems.push(`the pool snapshot is invalid: ${(error as Error).message}`);
    }
    if (experts === undefined) return { valid: false, problems };
    const poolHash = poolHashOf(experts);
    if (poolHash !== snapshot.hash) problems.push('the pool snapshot does not match its hash: the pool changed after it was recorded');
    if (poolHash !== result.poolHash) problems.push('the pool is not the one recorded by the draw (pool hash differs)');

    let expected: DrawResult;
    try {
      expected = drawFrom(experts, poolHash, request);
      if (expected.requestHash !== result.requestHash) problems.push('the result was drawn for a different request (request hash differs)');
      for (const r of replacementsOf(result)) expected = replaceMember(expected, r.expertId, r.reason);
    } catch (error) {
      problems.push(`re-running the draw failed: ${(error as Error).message}`);
      return { valid: false, problems };
    }
    if (!sameJson(expected.exclusions, result.exclusions)) problems.push('the exclusions differ from the re-run');
    if (!sameJson(expected.panel, result.panel)) {
      problems.push(`the panel differs from the re-run: recorded ${JSON.stringify(result.panel)}, re-run ${JSON.stringify(expected.panel)}`);
    }
    if (!sameJson(expected.reserve, result.reserve)) problems.push('the reserve differs from the re-run');
    if (expected.proof !== result.proof) problems.push('the proof differs from the re-run');
  } catch (error) {
    problems.push(`the draw result could not be checked: ${(error as Error).message}`);
  }
  return { valid: problems.length === 0, problems };
}
