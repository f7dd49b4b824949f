import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it, expect } from 'vitest';
import {
  DrawInputError,
  PoolTooSmallError,
  commitSeed,
  drawPanel,
  drawRank,
  newSeed,
  replaceMember,
  replayDraw,
  snapshotPool,
  verifyCommitment,
  verifyDraw,
  type DrawRequest,
  type DrawResult,
  type Expert,
  type ExclusionReason,
  type PoolSnapshot,
} from '../../rules/draw/index.js';
import { main } from '../../scripts/draw-panel.js';

const FIELD = '4-04-05-01';
const APPLICANT = 'inst-applicant';
const RECOMMENDER = 'province:44';
const DRAW_DATE = '2026-03-02';

function seedOf(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

function expert(id: string, over: Partial<Expert> = {}): Expert {
  return { id, name: `Expert ${id}`, fields: [FIELD], employer: `institution:uni-${id}`, employmentHistory: [], active: true, ...over };
}

/** `count` plain eligible experts e01..eNN. */
function plainPool(count: number): Expert[] {
  return Array.from({ length: count }, (_, i) => expert(`e${String(i + 1).padStart(2, '0')}`));
}

function request(over: Partial<DrawRequest> = {}): DrawRequest {
  return {
    caseId: 'sel-2026-001/app-017',
    applicant: { institutionId: APPLICANT, recommender: RECOMMENDER },
    field: FIELD,
    panelSize: 5,
    drawDate: DRAW_DATE,
    seed: seedOf('seed one'),
    ...over,
  };
}

function shuffled<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The PoolTooSmallError `fn` throws (fails the test if it throws anything else or nothing). */
function poolTooSmall(fn: () => unknown): PoolTooSmallError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PoolTooSmallError) return error;
    throw error;
  }
  throw new Error('expected a PoolTooSmallError');
}

function reasonsOf(result: DrawResult, expertId: string): ExclusionReason[] {
  return result.exclusions.filter((e) => e.expertId === expertId).map((e) => e.reason);
}

describe('R7.3 random draw: reproducible', () => {
  it('R7.3: the same pool, request and seed give the same panel and reserve, in any pool order', () => {
    const pool = plainPool(12);
    const first = drawPanel(snapshotPool(pool), request());
    expect(first.panel).toHaveLength(5);
    expect(first.reserve).toHaveLength(7);
    for (const order of [1, 2, 3]) {
      const again = drawPanel(snapshotPool(shuffled(pool, order)), request());
      expect(again).toEqual(first);
    }
    expect(snapshotPool(shuffled(pool, 7)).hash).toBe(snapshotPool(pool).hash);
  });

  it('R7.3: the draw order is ascending HMAC-SHA256(seed, caseId:expertId)', () => {
    const req = request();
    const result = drawPanel(snapshotPool(plainPool(9)), req);
    const ranks = [...result.panel, ...result.reserve].map((id) => drawRank(req.seed, req.caseId, id));
    expect(ranks).toEqual([...ranks].sort());
    // Cross-checked with `printf %s 'sel-2026-001/app-017:exp-001' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<seed>`.
    const seed = seedOf('draw-panel fixture seed');
    expect(seed).toBe('25ad294f9f00e7b07b2097869987b7ec730ea840bf3fa53f50a47151736f29e5');
    expect(drawRank(seed, 'sel-2026-001/app-017', 'exp-001')).toBe('04d15c31306841d004f77c80605bf42fc87054915ecc1a8562311ef9e43b1320');
    expect(result.algorithm).toBe('hmac-sha256-rank/v1');
  });

  it('R7.3: a different seed gives (almost certainly) a different panel', () => {
    const snapshot = snapshotPool(plainPool(20));
    const one = drawPanel(snapshot, request({ seed: seedOf('seed one') }));
    const two = drawPanel(snapshot, request({ seed: seedOf('seed two') }));
    expect(two.panel).not.toEqual(one.panel);
    expect(new Set([...two.panel, ...two.reserve])).toEqual(new Set([...one.panel, ...one.reserve]));
  });

  it('R7.3: a different case gives a different order with the same seed', () => {
    const snapshot = snapshotPool(plainPool(20));
    expect(drawPanel(snapshot, request({ caseId: 'other-case' })).panel).not.toEqual(drawPanel(snapshot, request()).panel);
  });
});

describe('R7.3 recusal', () => {
  const twoYearsBefore = '2024-03-02';
  const fourYearsBefore = '2022-03-01';
  const pool: Expert[] = [
    ...plainPool(6),
    expert('x-applicant-now', { employer: `institution:${APPLICANT}` }),
    expert('x-applicant-bare-id', { employer: APPLICANT }),
    expert('x-applicant-2y', { employmentHistory: [{ organisation: `institution:${APPLICANT}`, from: '2015-01-01', to: twoYearsBefore }] }),
    expert('ok-applicant-4y', { employmentHistory: [{ organisation: `institution:${APPLICANT}`, from: '2015-01-01', to: fourYearsBefore }] }),
    expert('x-applicant-open', { employer: 'institution:elsewhere', employmentHistory: [{ organisation: APPLICANT, from: '2020-01-01', to: null }] }),
    expert('x-recommender-now', { employer: RECOMMENDER }),
    expert('x-recommender-2y', { employmentHistory: [{ organisation: RECOMMENDER, from: '2010-05-01', to: twoYearsBefore }] }),
    expert('ok-recommender-4y', { employmentHistory: [{ organisation: RECOMMENDER, from: '2010-05-01', to: fourYearsBefore }] }),
    expert('x-declared'),
    expert('x-other-field', { fields: ['2-02-10-09'] }),
    expert('x-inactive', { active: false }),
    expert('x-serving'),
  ];
  const req = request({ declaredConflicts: ['x-declared'], alreadyServing: ['x-serving'] });
  const result = drawPanel(snapshotPool(pool), req);
  const drawn = new Set([...result.panel, ...result.reserve]);

  it.each([
    ['x-applicant-now', 'employed-by-applicant', 'works for the applicant'],
    ['x-applicant-bare-id', 'employed-by-applicant', 'current employer'],
    ['x-applicant-2y', 'employed-by-applicant', `until ${twoYearsBefore}`],
    ['x-applicant-open', 'employed-by-applicant', 'since 2020-01-01'],
    ['x-recommender-now', 'employed-by-recommender', 'works for the recommender'],
    ['x-recommender-2y', 'employed-by-recommender', `until ${twoYearsBefore}`],
    ['x-declared', 'declared-conflict', 'declared a conflict'],
    ['x-other-field', 'not-in-field', FIELD],
    ['x-inactive', 'inactive', 'inactive'],
    ['x-serving', 'already-serving', 'already serving'],
  ] as const)('R7.3: %s is excluded (%s) and never drawn', (id, reason, detail) => {
    const found = result.exclusions.filter((e) => e.expertId === id);
    expect(found.map((e) => e.reason)).toEqual([reason]);
    expect(found[0]?.rule).toBe('R7.3');
    expect(found[0]?.detail).toContain(detail);
    expect(drawn.has(id)).toBe(false);
  });

  it('R7.3: employment that ended more than 3 years before the draw does not exclude', () => {
    for (const id of ['ok-applicant-4y', 'ok-recommender-4y']) {
      expect(reasonsOf(result, id)).toEqual([]);
      expect(drawn.has(id)).toBe(true);
    }
  });

  it('R7.3: the 3 years count back from the draw date, the boundary day included', () => {
    const at = (to: string): Expert[] => [...plainPool(5), expert('edge', { employmentHistory: [{ organisation: APPLICANT, from: '2010-01-01', to }] })];
    expect(reasonsOf(drawPanel(snapshotPool(at('2023-03-02')), request()), 'edge')).toEqual(['employed-by-applicant']);
    expect(reasonsOf(drawPanel(snapshotPool(at('2023-03-01')), request()), 'edge')).toEqual([]);
    // Employment that starts after the draw date is not a tie on the draw date.
    const later = [...plainPool(5), expert('later', { employmentHistory: [{ organisation: APPLICANT, from: '2026-04-01', to: null }] })];
    expect(reasonsOf(drawPanel(snapshotPool(later), request()), 'later')).toEqual([]);
  });

  it('R7.3: every reason of an expert is recorded, and eligible experts are exactly panel + reserve', () => {
    const both = [...plainPool(5), expert('both', { active: false, fields: ['other'], employer: `institution:${APPLICANT}` })];
    expect(reasonsOf(drawPanel(snapshotPool(both), request()), 'both')).toEqual(['not-in-field', 'inactive', 'employed-by-applicant']);
    const excluded = new Set(result.exclusions.map((e) => e.expertId));
    expect(excluded.size + drawn.size).toBe(pool.length);
    for (const id of excluded) expect(drawn.has(id)).toBe(false);
  });
});

describe('R7.3 seed commitment (commit–reveal)', () => {
  it('R7.3: the commitment verifies with its seed and not with another', () => {
    const seed = newSeed();
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(newSeed()).not.toBe(seed);
    const commitment = commitSeed(seed);
    expect(commitment).toBe(createHash('sha256').update(Buffer.from(seed, 'hex')).digest('hex'));
    expect(verifyCommitment(seed, commitment)).toBe(true);
    expect(verifyCommitment(newSeed(), commitment)).toBe(false);
    expect(verifyCommitment('not a seed', commitment)).toBe(false);
  });

  it('R7.3: the draw refuses a seed that does not match the recorded commitment', () => {
    const snapshot = snapshotPool(plainPool(7));
    const seedCommitment = commitSeed(seedOf('committed'));
    expect(drawPanel(snapshot, request({ seed: seedOf('committed'), seedCommitment })).seedCommitment).toBe(seedCommitment);
    expect(() => drawPanel(snapshot, request({ seed: seedOf('another'), seedCommitment }))).toThrow(DrawInputError);
    expect(() => drawPanel(snapshot, request({ seed: 'ABC' }))).toThrow(DrawInputError);
  });
});

describe('R7.3 replacement of a declined or conflicted member', () => {
  it('R7.3: the first reserve member takes the place and the reason is recorded', () => {
    const drawn = drawPanel(snapshotPool(plainPool(8)), request());
    const leaving = drawn.panel[2] as string;
    const first = drawn.reserve[0] as string;
    const replaced = replaceMember(drawn, leaving, 'declined');
    expect(replaced.panel).toEqual([...drawn.panel.filter((id) => id !== leaving), first]);
    expect(replaced.reserve).toEqual(drawn.reserve.slice(1));
    expect(replaced.exclusions.at(-1)).toEqual({ expertId: leaving, reason: 'declined', rule: 'R7.3', detail: expect.stringContaining(first) });
    expect(replaced.proof).not.toBe(drawn.proof);
    expect(drawn.panel).toContain(leaving); // the original is untouched

    const again = replaceMember(replaced, first, 'conflict');
    expect(again.exclusions.at(-1)?.reason).toBe('conflict');
    expect(again.panel).toContain(drawn.reserve[1]);
  });

  it('R7.3: only a panel member can be replaced, and only in an untampered result', () => {
    const drawn = drawPanel(snapshotPool(plainPool(8)), request());
    expect(() => replaceMember(drawn, drawn.reserve[0] as string, 'declined')).toThrow(DrawInputError);
    expect(() => replaceMember({ ...drawn, panel: [...drawn.panel].reverse() }, drawn.panel[0] as string, 'declined')).toThrow(DrawInputError);
  });

  it('R7.3: replacements exhaust the reserve → PoolTooSmallError with counts', () => {
    let result = drawPanel(snapshotPool(plainPool(6)), request({ panelSize: 5 }));
    expect(result.reserve).toHaveLength(1);
    result = replaceMember(result, result.panel[0] as string, 'declined');
    const error = poolTooSmall(() => replaceMember(result, result.panel[0] as string, 'conflict'));
    expect(error.name).toBe('PoolTooSmallError');
    expect(error.eligible).toBe(4);
    expect(error.required).toBe(5);
    expect(error.exclusionsByReason.declined).toBe(1);
    expect(error.exclusionsByReason.conflict).toBe(1);
    expect(error.message).toContain('needs 5');
  });
});

describe('R7.3 pool too small and panel size', () => {
  it('R7.3: fewer eligible experts than the panel size → PoolTooSmallError with counts by reason', () => {
    const pool = [
      ...plainPool(3),
      expert('x1', { active: false }),
      expert('x2', { fields: ['other'] }),
      expert('x3', { fields: ['other'] }),
      expert('x4', { employer: `institution:${APPLICANT}` }),
      expert('x5'),
    ];
    const error = poolTooSmall(() => drawPanel(snapshotPool(pool), request({ declaredConflicts: ['x5'] })));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PoolTooSmallError');
    expect(error.eligible).toBe(3);
    expect(error.required).toBe(5);
    expect(error.exclusionsByReason).toMatchObject({ 'not-in-field': 2, inactive: 1, 'employed-by-applicant': 1, 'declared-conflict': 1, 'already-serving': 0 });
    expect(error.message).toMatch(/only 3 eligible expert\(s\).*needs 5.*2 not in the field/);
    expect(poolTooSmall(() => drawPanel(snapshotPool([]), request())).eligible).toBe(0);
  });

  it('R7.3: a panel of exactly the eligible experts has an empty reserve', () => {
    const result = drawPanel(snapshotPool(plainPool(5)), request());
    expect(result.panel).toHaveLength(5);
    expect(result.reserve).toEqual([]);
  });

  it.each([4, 0, -1, 2.5, Number.NaN])('R7.3: panel size %s is rejected (positive odd integer)', (panelSize) => {
    expect(() => drawPanel(snapshotPool(plainPool(9)), request({ panelSize }))).toThrow(DrawInputError);
  });

  it('R7.3: odd panel sizes other than 5 are accepted', () => {
    expect(drawPanel(snapshotPool(plainPool(9)), request({ panelSize: 7 })).panel).toHaveLength(7);
    expect(drawPanel(snapshotPool(plainPool(9)), request({ panelSize: 1 })).panel).toHaveLength(1);
  });

  it('R7.3: a malformed pool is a DrawInputError naming the field', () => {
    const bad = [...plainPool(5), { ...expert('bad'), employmentHistory: [{ organisation: APPLICANT, from: '2026-02-30', to: null }] }];
    expect(() => snapshotPool(bad)).toThrow(/pool\[5\]\.employmentHistory\[0\]\.from/);
    expect(() => snapshotPool([expert('dup'), expert('dup')])).toThrow(/appears twice/);
  });
});

describe('R7.3 verifyDraw (auditable)', () => {
  const snapshot = snapshotPool(plainPool(11));
  const req = request({ seedCommitment: commitSeed(seedOf('seed one')) });
  const result = drawPanel(snapshot, req);

  it('R7.3: an untouched draw, and one with replacements, verify', () => {
    expect(verifyDraw(snapshot, req, result)).toEqual({ valid: true, problems: [] });
    const replaced = replaceMember(replaceMember(result, result.panel[0] as string, 'declined'), result.panel[3] as string, 'conflict');
    expect(verifyDraw(snapshot, req, replaced)).toEqual({ valid: true, problems: [] });
    expect(replayDraw(snapshot, req, replaced)).toEqual(replaced);
  });

  it('R7.3: a tampered panel is detected, even with a recomputed proof', () => {
    const swapped = [result.reserve[0] as string, ...result.panel.slice(1)];
    const tampered = { ...result, panel: swapped, reserve: [result.panel[0] as string, ...result.reserve.slice(1)] };
    const check = verifyDraw(snapshot, req, tampered);
    expect(check.valid).toBe(false);
    expect(check.problems.join('\n')).toMatch(/panel differs/);
    expect(check.problems.join('\n')).toMatch(/proof does not match/);
  });

  it('R7.3: a tampered pool is detected by its hash', () => {
    const [first, ...rest] = snapshot.experts;
    const edited: PoolSnapshot = { experts: [{ ...(first as Expert), active: false }, ...rest], hash: snapshot.hash };
    const check = verifyDraw(edited, req, result);
    expect(check.valid).toBe(false);
    expect(check.problems.join('\n')).toMatch(/does not match its hash/);
    // A re-hashed edited pool is still not the pool the draw recorded.
    const rehashed = snapshotPool(edited.experts);
    expect(verifyDraw(rehashed, req, result).problems.join('\n')).toMatch(/pool hash differs/);
    expect(() => drawPanel(edited, req)).toThrow(DrawInputError);
  });

  it('R7.3: a swapped seed is detected by the commitment and the re-run', () => {
    const other = seedOf('a seed that suits someone');
    const swapped = { ...result, seed: other };
    const check = verifyDraw(snapshot, req, swapped);
    expect(check.valid).toBe(false);
    expect(check.problems.join('\n')).toMatch(/does not match the recorded seed commitment/);
    // Swapping seed and commitment together still fails against the commitment recorded before the snapshot.
    const redrawn = drawPanel(snapshot, request({ seed: other }));
    const both = verifyDraw(snapshot, { ...req, seed: other }, redrawn);
    expect(both.valid).toBe(false);
    expect(both.problems.join('\n')).toMatch(/not the one recorded before the pool snapshot/);
  });

  it('R7.3: tampered exclusions and a garbled result are problems, not crashes', () => {
    const pool = snapshotPool([...plainPool(6), expert('x', { active: false })]);
    const hidden = drawPanel(pool, request());
    expect(verifyDraw(pool, request(), { ...hidden, exclusions: [] }).problems.join('\n')).toMatch(/exclusions differ/);
    expect(verifyDraw(snapshot, req, {} as DrawResult).valid).toBe(false);
    expect(verifyDraw(snapshot, req, null as unknown as DrawResult).valid).toBe(false);
  });
});

describe('R7.3 draw-panel CLI', () => {
  const fixture = new URL('./fixtures/draw-panel.json', import.meta.url);
  const data = JSON.parse(readFileSync(fixture, 'utf8')) as { pool: Expert[]; request: DrawRequest; result: DrawResult };

  function run(file: string): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main([file], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  function panelLines(out: string): string[] {
    const section = out.split('Panel (')[1]?.split('Reserve (')[0] ?? '';
    return [...section.matchAll(/^\s+\d+\s+(\S+)/gm)].map((m) => m[1] as string);
  }

  it('R7.3: the command re-runs the draw and prints the same panel, and the recorded result verifies', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/draw-panel.ts', fileURLToPath(fixture)], { cwd: process.cwd() });
    expect(panelLines(stdout)).toEqual(data.result.panel);
    expect(stdout).toContain('VERIFIED');
    expect(stdout).toContain('declined after the draw');
    expect(stdout).toContain('declared a conflict');
  });

  it('R7.3: a tampered recorded panel does not verify (exit code 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'draw-panel-'));
    try {
      const file = join(dir, 'tampered.json');
      const panel = [...data.result.panel];
      [panel[0], panel[1]] = [panel[1] as string, panel[0] as string];
      writeFileSync(file, JSON.stringify({ ...data, result: { ...data.result, panel } }));
      const { code, out } = run(file);
      expect(code).toBe(1);
      expect(out).toContain('DOES NOT VERIFY');
      expect(panelLines(out)).toEqual(data.result.panel);

      const small = join(dir, 'small.json');
      writeFileSync(small, JSON.stringify({ pool: data.pool.slice(0, 4), request: data.request }));
      const tooSmall = run(small);
      expect(tooSmall.code).toBe(2);
      expect(tooSmall.err).toContain('PoolTooSmallError');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('R7.3: the CLI accepts a recorded pool snapshot as well as a list of experts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'draw-panel-'));
    try {
      const file = join(dir, 'snapshot.json');
      writeFileSync(file, JSON.stringify({ ...data, pool: snapshotPool(data.pool) }));
      const { code, out } = run(file);
      expect(code).toBe(0);
      expect(panelLines(out)).toEqual(data.result.panel);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
