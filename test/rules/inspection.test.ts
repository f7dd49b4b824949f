import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { DRAW_ALGORITHM, commitSeed, drawPanel, drawRank, snapshotPool, type Expert } from '../../rules/draw/index.js';
import {
  InspectionInputError,
  drawCampaign,
  eligibleInstitutions,
  inspectionPolicy,
  sampleCount,
  verifyCampaignDraw,
  type CampaignDraw,
  type CampaignDrawInput,
  type InspectionListing,
  type Inspector,
} from '../../rules/inspection/index.js';

const DRAW_DATE = '2026-03-02';
const OCC_A = '4-04-05-01';
const OCC_B = '2-02-10-09';

function seedOf(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

function listing(listingId: string, institutionId: string, over: Partial<InspectionListing> = {}): InspectionListing {
  return {
    listingId,
    kind: 'training',
    institution: { id: institutionId, name: `Institution ${institutionId}`, province: '44' },
    occupation: { code: OCC_A },
    status: 'valid',
    ...over,
  };
}

/** `count` institutions i01..iNN, one valid training listing each (l-i01...), in province 44. */
function plainListings(count: number, over: Partial<InspectionListing> = {}): InspectionListing[] {
  return Array.from({ length: count }, (_, n) => {
    const id = `i${String(n + 1).padStart(2, '0')}`;
    return listing(`l-${id}`, id, over);
  });
}

function inspector(id: string, over: Partial<Inspector> = {}): Inspector {
  return { id, name: `Inspector ${id}`, unit: 'locality:440100', employer: 'locality:440100', employmentHistory: [], active: true, ...over };
}

/** `count` plain inspectors p01..pNN. */
function plainInspectors(count: number): Inspector[] {
  return Array.from({ length: count }, (_, n) => inspector(`p${String(n + 1).padStart(2, '0')}`));
}

function input(over: Partial<CampaignDrawInput> = {}): CampaignDrawInput {
  return {
    seed: seedOf('seed one'),
    campaignId: 'r16-2026-q1-44',
    jurisdiction: 'province:44',
    listings: plainListings(20),
    institutionCount: 5,
    inspectors: plainInspectors(12),
    inspectorsPerInstitution: 2,
    drawDate: DRAW_DATE,
    ...over,
  };
}

function drawnIds(result: CampaignDraw): string[] {
  return result.institutions.map((i) => i.institutionId);
}

function loads(result: CampaignDraw): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of result.institutions) for (const id of d.inspectors) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
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

function inputError(fn: () => unknown): InspectionInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InspectionInputError) return error;
    throw error;
  }
  throw new Error('expected an InspectionInputError');
}

describe('R16 random inspection: reproducible', () => {
  it('R16: the same input and seed give the same result, in any order of listings and inspectors', () => {
    const first = drawCampaign(input());
    expect(first.institutions).toHaveLength(5);
    expect(first.shortfalls).toEqual([]);
    for (const order of [1, 2, 3]) {
      const again = drawCampaign(input({ listings: shuffled(input().listings, order), inspectors: shuffled(input().inspectors, order + 10) }));
      expect(again).toEqual(first);
    }
  });

  it('R16: a different seed draws (almost certainly) different institutions and inspectors', () => {
    const one = drawCampaign(input({ seed: seedOf('seed one') }));
    const two = drawCampaign(input({ seed: seedOf('seed two') }));
    expect(drawnIds(two)).not.toEqual(drawnIds(one));
    expect(two.institutions.map((i) => i.inspectors)).not.toEqual(one.institutions.map((i) => i.inspectors));
    expect(two.snapshot).toEqual(one.snapshot);
  });

  it('R16: institutions are drawn in ascending drawRank(seed, `${campaignId}#institutions`, id), the R7.3 algorithm', () => {
    const req = input();
    const result = drawCampaign(req);
    expect(result.algorithm).toBe(DRAW_ALGORITHM);
    expect(result.algorithm).toBe('hmac-sha256-rank/v1');
    expect(result.seedCommitment).toBe(commitSeed(req.seed));
    const byRank = [...result.snapshot.institutions].sort((a, b) => {
      const ra = drawRank(req.seed, `${req.campaignId}#institutions`, a);
      const rb = drawRank(req.seed, `${req.campaignId}#institutions`, b);
      return ra < rb ? -1 : 1;
    });
    expect(drawnIds(result)).toEqual(byRank.slice(0, 5));
    for (const d of result.institutions) {
      const ranks = d.inspectors.map((id) => drawRank(req.seed, `${req.campaignId}#inspectors#${d.institutionId}`, id));
      expect(ranks).toEqual([...ranks].sort());
    }
  });

  it('R16: the snapshot lists the eligible institutions and active inspectors, sorted, with an order-independent hash', () => {
    const inspectors = [...plainInspectors(3), inspector('p00', { active: false })];
    const result = drawCampaign(input({ listings: plainListings(3), inspectors }));
    expect(result.snapshot.institutions).toEqual(['i01', 'i02', 'i03']);
    expect(result.snapshot.inspectors).toEqual(['p01', 'p02', 'p03']);
    expect(result.snapshot.hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = drawCampaign(input({ listings: shuffled(plainListings(3), 5), inspectors: shuffled(inspectors, 6) }));
    expect(reordered.snapshot).toEqual(result.snapshot);
  });
});

describe('R16 random inspection: who can be drawn', () => {
  it('R16: a provincial campaign draws only institutions of its province; a national one draws all', () => {
    const listings = [...plainListings(4), listing('l-gx1', 'gx1', { institution: { id: 'gx1', name: 'GX', province: '45' } })];
    const provincial = drawCampaign(input({ listings, institutionCount: 100 }));
    expect(provincial.snapshot.institutions).toEqual(['i01', 'i02', 'i03', 'i04']);
    const national = drawCampaign(input({ listings, institutionCount: 100, jurisdiction: 'national' }));
    expect(national.snapshot.institutions).toEqual(['gx1', 'i01', 'i02', 'i03', 'i04']);
    const guangxi = drawCampaign(input({ listings, institutionCount: 100, jurisdiction: 'province:45' }));
    expect(guangxi.snapshot.institutions).toEqual(['gx1']);
  });

  it('R16: kind, occupation, risk-flag (any of) and province filters narrow the eligible institutions', () => {
    const listings = [
      listing('l-a', 'a', { kind: 'training', occupation: { code: OCC_A } }),
      listing('l-b', 'b', { kind: 'evaluation', occupation: { code: OCC_A }, riskFlags: ['complaint'] }),
      listing('l-c', 'c', { kind: 'training', occupation: { code: OCC_B }, riskFlags: ['late-annual-report'] }),
      listing('l-d', 'd', { kind: 'evaluation', occupation: { code: OCC_B }, institution: { id: 'd', name: 'D', province: '45' } }),
    ];
    const eligible = (filters: CampaignDrawInput['filters']): string[] =>
      drawCampaign(input({ listings, jurisdiction: 'national', filters, institutionCount: 100 })).snapshot.institutions;
    expect(eligible(undefined)).toEqual(['a', 'b', 'c', 'd']);
    expect(eligible({ kind: 'evaluation' })).toEqual(['b', 'd']);
    expect(eligible({ occupationCodes: [OCC_B] })).toEqual(['c', 'd']);
    expect(eligible({ riskFlags: ['complaint', 'late-annual-report'] })).toEqual(['b', 'c']);
    expect(eligible({ riskFlags: ['complaint'] })).toEqual(['b']);
    expect(eligible({ provinces: ['45'] })).toEqual(['d']);
    expect(eligible({ kind: 'training', occupationCodes: [OCC_A, OCC_B], riskFlags: ['late-annual-report'] })).toEqual(['c']);
  });

  it('R16: expired, removed and withdrawn listings are not inspected; valid and lapsing ones are', () => {
    const listings = [
      listing('l-valid', 'valid'),
      listing('l-lapsing', 'lapsing', { status: 'lapsing' }),
      listing('l-expired', 'expired', { status: 'expired' }),
      listing('l-removed', 'removed', { status: 'removed' }),
      listing('l-withdrawn', 'withdrawn', { status: 'withdrawn' }),
    ];
    const result = drawCampaign(input({ listings, institutionCount: 100 }));
    expect(result.snapshot.institutions).toEqual(['lapsing', 'valid']);
    expect(drawnIds(result).sort()).toEqual(['lapsing', 'valid']);
  });

  it('R16: an institution with several matching listings is one unit of the draw, drawn once with all of them', () => {
    const listings = [
      listing('l-x-train', 'x', { kind: 'training' }),
      listing('l-x-eval', 'x', { kind: 'evaluation', occupation: { code: OCC_B } }),
      listing('l-x-old', 'x', { status: 'expired' }),
      listing('l-y', 'y'),
    ];
    const result = drawCampaign(input({ listings, institutionCount: 100 }));
    expect(result.snapshot.institutions).toEqual(['x', 'y']);
    expect(result.sample).toEqual({ requested: 100, eligible: 2, drawn: 2 });
    expect(result.institutions.filter((i) => i.institutionId === 'x')).toEqual([
      expect.objectContaining({ institutionId: 'x', listings: ['l-x-eval', 'l-x-train'] }),
    ]);
    const trainingOnly = drawCampaign(input({ listings, institutionCount: 100, filters: { kind: 'training' } }));
    expect(trainingOnly.institutions.find((i) => i.institutionId === 'x')?.listings).toEqual(['l-x-train']);
    expect(eligibleInstitutions(listings, 'province:44')).toEqual([
      { institutionId: 'x', province: '44', listings: ['l-x-eval', 'l-x-train'] },
      { institutionId: 'y', province: '44', listings: ['l-y'] },
    ]);
  });

  it('R16: a sample larger than the eligible institutions draws them all', () => {
    const result = drawCampaign(input({ listings: plainListings(4), institutionCount: 10 }));
    expect(result.sample).toEqual({ requested: 10, eligible: 4, drawn: 4 });
    expect(drawnIds(result).sort()).toEqual(['i01', 'i02', 'i03', 'i04']);
    const none = drawCampaign(input({ listings: [], institutionCount: 10 }));
    expect(none.institutions).toEqual([]);
    expect(none.shortfalls).toEqual([]);
  });

  it('R16: a share with a minimum: ceil(share × eligible), at least the minimum, at most all; 5%, at least 5 by default', () => {
    expect(sampleCount({ share: 0.1, minimum: 2 }, 40)).toBe(4);
    expect(sampleCount({ share: 0.1, minimum: 2 }, 5)).toBe(2);
    expect(sampleCount({ share: 0.1, minimum: 2 }, 1)).toBe(1);
    expect(sampleCount({ share: 0.07, minimum: 0 }, 100)).toBe(7);
    expect(sampleCount({ share: 0.07, minimum: 0 }, 101)).toBe(8);
    expect(sampleCount(3, 2)).toBe(2);
    expect(inspectionPolicy.sampleSize).toEqual({ share: 0.05, minimum: 5 });
    const byDefault = drawCampaign({ ...input({ listings: plainListings(40), inspectors: plainInspectors(20) }), institutionCount: undefined });
    expect(byDefault.sample).toEqual({ requested: { share: 0.05, minimum: 5 }, eligible: 40, drawn: 5 });
    const byShare = drawCampaign(input({ listings: plainListings(40), inspectors: plainInspectors(20), institutionCount: { share: 0.25, minimum: 1 } }));
    expect(byShare.institutions).toHaveLength(10);
  });
});

describe('R16 random inspection: recusal', () => {
  const listings = [listing('l-a', 'inst-a'), listing('l-b', 'inst-b')];

  function recusedFor(result: CampaignDraw, institutionId: string): { inspectorId: string; reason: string }[] {
    return (result.institutions.find((i) => i.institutionId === institutionId)?.recused ?? []).map(({ inspectorId, reason }) => ({ inspectorId, reason }));
  }

  it('R16: an inspector who works for the institution now, or worked for it within 3 years of the draw, is recused for it only', () => {
    const inspectors = [
      inspector('current', { employer: 'institution:inst-a' }),
      inspector('history-ongoing', { employmentHistory: [{ employer: 'inst-a', from: '2020-01-01' }] }),
      inspector('left-at-cutoff', { employmentHistory: [{ employer: 'inst-a', from: '2015-01-01', to: '2023-03-02' }] }),
      inspector('left-2025', { employmentHistory: [{ employer: 'institution:inst-a', from: '2019-05-01', to: '2025-06-30' }] }),
      ...plainInspectors(6),
    ];
    const result = drawCampaign(input({ listings, inspectors, institutionCount: 2 }));
    expect(recusedFor(result, 'inst-a')).toEqual([
      { inspectorId: 'current', reason: 'employed-by-institution' },
      { inspectorId: 'history-ongoing', reason: 'employed-by-institution' },
      { inspectorId: 'left-2025', reason: 'employed-by-institution' },
      { inspectorId: 'left-at-cutoff', reason: 'employed-by-institution' },
    ]);
    const a = result.institutions.find((i) => i.institutionId === 'inst-a');
    expect(a?.recused.find((r) => r.inspectorId === 'left-2025')?.detail).toBe(
      'worked for the institution inst-a until 2025-06-30, within 3 years before the draw (2023-03-02 or later)',
    );
    expect(a?.inspectors.some((id) => ['current', 'history-ongoing', 'left-at-cutoff', 'left-2025'].includes(id))).toBe(false);
    expect(recusedFor(result, 'inst-b')).toEqual([]);
  });

  it('R16: an employment that ended more than 3 years before the draw does not recuse', () => {
    const inspectors = [
      inspector('left-day-before-cutoff', { employmentHistory: [{ employer: 'inst-a', from: '2015-01-01', to: '2023-03-01' }] }),
      inspector('left-2020', { employmentHistory: [{ employer: 'inst-a', from: '2015-01-01', to: '2020-12-31' }] }),
      inspector('starts-after-draw', { employmentHistory: [{ employer: 'inst-a', from: '2026-04-01' }] }),
    ];
    const result = drawCampaign(input({ listings: [listing('l-a', 'inst-a')], inspectors, institutionCount: 1, inspectorsPerInstitution: 3 }));
    expect(recusedFor(result, 'inst-a')).toEqual([]);
    expect([...(result.institutions[0]?.inspectors ?? [])].sort()).toEqual(['left-2020', 'left-day-before-cutoff', 'starts-after-draw']);
  });

  it('R16: an inspector of the institution\'s own unit, or tied to a related organisation, is recused with the reason', () => {
    const inspectors = [
      inspector('own-unit', { unit: 'institution:inst-a' }),
      inspector('parent-now', { employer: 'group-co' }),
      inspector('branch-2024', { employmentHistory: [{ employer: 'inst-a-branch', from: '2020-01-01', to: '2024-01-31' }] }),
      ...plainInspectors(4),
    ];
    const result = drawCampaign(
      input({ listings, inspectors, institutionCount: 2, relatedOrganisations: { 'inst-a': ['group-co', 'inst-a-branch'] } }),
    );
    expect(recusedFor(result, 'inst-a')).toEqual([
      { inspectorId: 'branch-2024', reason: 'employed-by-related-organisation' },
      { inspectorId: 'own-unit', reason: 'unit-is-institution' },
      { inspectorId: 'parent-now', reason: 'employed-by-related-organisation' },
    ]);
    expect(recusedFor(result, 'inst-b')).toEqual([]);
    const a = result.institutions.find((i) => i.institutionId === 'inst-a');
    expect(a?.recused.find((r) => r.inspectorId === 'parent-now')?.detail).toBe('works for group-co (related to the institution inst-a) (current employer)');
  });

  it('R16: the inspector recusal reads employment as the R7.3 expert recusal of rules/draw does', () => {
    const histories: Inspector['employmentHistory'][] = [
      [],
      [{ employer: 'inst-a', from: '2010-01-01', to: '2023-03-01' }],
      [{ employer: 'inst-a', from: '2010-01-01', to: '2023-03-02' }],
      [{ employer: 'inst-a', from: '2026-03-02' }],
      [{ employer: 'inst-a', from: '2026-03-03' }],
      [{ employer: 'institution:inst-a', from: '2010-01-01', to: '2026-12-31' }],
      [{ employer: 'inst-a', from: '2010-01-01', to: '2012-01-01' }, { employer: 'inst-a', from: '2024-01-01', to: '2024-02-01' }],
    ];
    for (const [n, history] of histories.entries()) {
      const id = `h${n}`;
      const inspection = drawCampaign(
        input({ listings: [listing('l-a', 'inst-a')], inspectors: [inspector(id, { employmentHistory: history }), ...plainInspectors(2)], institutionCount: 1 }),
      );
      const expert: Expert = {
        id,
        name: id,
        fields: ['f'],
        employer: 'locality:440100',
        employmentHistory: history.map((p) => ({ organisation: p.employer, from: p.from, to: p.to ?? null })),
        active: true,
      };
      const sentinel: Expert = { id: 'zz-sentinel', name: 's', fields: ['f'], employer: 'x', employmentHistory: [], active: true };
      const panel = drawPanel(snapshotPool([expert, sentinel]), {
        caseId: 'parity',
        applicant: { institutionId: 'inst-a', recommender: 'province:44' },
        field: 'f',
        panelSize: 1,
        drawDate: DRAW_DATE,
        seed: seedOf('parity'),
      });
      const expertRecused = panel.exclusions.some((e) => e.expertId === id && e.reason === 'employed-by-applicant');
      const inspectorRecused = (inspection.institutions[0]?.recused ?? []).some((r) => r.inspectorId === id);
      expect({ n, recused: inspectorRecused }).toEqual({ n, recused: expertRecused });
    }
  });
});

describe('R16 random inspection: pairing', () => {
  it('R16: each drawn institution gets the given number of distinct inspectors', () => {
    const result = drawCampaign(input({ inspectorsPerInstitution: 3 }));
    for (const d of result.institutions) {
      expect(d.inspectors).toHaveLength(3);
      expect(new Set(d.inspectors).size).toBe(3);
    }
    expect(drawCampaign({ ...input(), inspectorsPerInstitution: undefined }).inspectorsPerInstitution).toBe(2);
  });

  it('R16: load is spread: no inspector takes more than ceil(seats / inspectors) institutions', () => {
    // 10 institutions × 2 = 20 seats over 5 inspectors: each takes exactly 4.
    const even = drawCampaign(input({ listings: plainListings(10), institutionCount: 10, inspectors: plainInspectors(5) }));
    expect(even.loadCap).toBe(4);
    expect(even.shortfalls).toEqual([]);
    expect([...loads(even).values()]).toEqual([4, 4, 4, 4, 4]);
    // 7 × 2 = 14 seats over 5 inspectors: at most 3 each.
    const uneven = drawCampaign(input({ listings: plainListings(7), institutionCount: 7, inspectors: plainInspectors(5) }));
    expect(uneven.loadCap).toBe(3);
    expect(uneven.shortfalls).toEqual([]);
    expect(Math.max(...loads(uneven).values())).toBeLessThanOrEqual(3);
    for (const seed of ['a', 'b', 'c', 'd']) {
      const r = drawCampaign(input({ seed: seedOf(seed), listings: plainListings(15), institutionCount: 15, inspectors: plainInspectors(4) }));
      expect(r.loadCap).toBe(8);
      expect(Math.max(...loads(r).values())).toBeLessThanOrEqual(8);
    }
  });

  it('R16: too few unrecused inspectors is a shortfall with the numbers, never an error', () => {
    const inspectors = [inspector('p01', { employer: 'inst-a' }), inspector('p02', { unit: 'institution:inst-a' }), inspector('p03')];
    const result = drawCampaign(input({ listings: [listing('l-a', 'inst-a')], inspectors, institutionCount: 1 }));
    expect(result.institutions[0]?.inspectors).toEqual(['p03']);
    expect(result.shortfalls).toEqual([
      {
        institutionId: 'inst-a',
        rule: 'R16',
        required: 2,
        assigned: 1,
        missing: 1,
        reason: 'too-few-unrecused-inspectors',
        detail: 'needs 2 inspectors, 1 assigned: of 3 active inspector(s), 2 recused. Add inspectors (or review the recusals) and assign the missing ones.',
      },
    ]);
    const nobody = drawCampaign(input({ listings: plainListings(3), inspectors: [] }));
    expect(nobody.institutions.map((i) => i.inspectors)).toEqual([[], [], []]);
    expect(nobody.shortfalls.map((s) => [s.missing, s.reason])).toEqual([
      [2, 'too-few-unrecused-inspectors'],
      [2, 'too-few-unrecused-inspectors'],
      [2, 'too-few-unrecused-inspectors'],
    ]);
  });

  it('R16: inspectors held at the load cap leave a shortfall named load-limit', () => {
    // 2 institutions × 2 seats over 4 inspectors: cap 1. p03 and p04 are recused for both, so the
    // first institution drawn takes p01 and p02, and the second finds them at the cap.
    const listings = [listing('l-a', 'inst-a'), listing('l-b', 'inst-b')];
    const inspectors = [
      ...plainInspectors(2),
      inspector('p03', { employer: 'inst-a', employmentHistory: [{ employer: 'inst-b', from: '2024-01-01', to: '2025-01-01' }] }),
      inspector('p04', { unit: 'institution:inst-b', employer: 'inst-a' }),
    ];
    const result = drawCampaign(input({ listings, inspectors, institutionCount: 2 }));
    expect(result.loadCap).toBe(1);
    const [first, second] = result.institutions;
    expect([...(first?.inspectors ?? [])].sort()).toEqual(['p01', 'p02']);
    expect(second?.inspectors).toEqual([]);
    expect(result.shortfalls).toEqual([
      expect.objectContaining({ institutionId: second?.institutionId, assigned: 0, missing: 2, reason: 'load-limit' }),
    ]);
    expect(result.shortfalls[0]?.detail).toContain('2 already at the maximum load of 1');
  });
});

describe('R16 random inspection: verification', () => {
  it('R16: a recorded draw verifies; anyone can re-run it', () => {
    const req = input({ seedCommitment: commitSeed(seedOf('seed one')) });
    expect(verifyCampaignDraw({ input: req, result: drawCampaign(req) })).toEqual({ valid: true, problems: [] });
  });

  it('R16: a changed inspector assignment is detected', () => {
    const req = input();
    const result = drawCampaign(req);
    const [first, ...rest] = result.institutions;
    if (first === undefined) throw new Error('expected a drawn institution');
    const outsider = result.snapshot.inspectors.find((id) => !first.inspectors.includes(id)) ?? '';
    const tampered: CampaignDraw = { ...result, institutions: [{ ...first, inspectors: [first.inspectors[0] ?? '', outsider] }, ...rest] };
    const check = verifyCampaignDraw({ input: req, result: tampered });
    expect(check.valid).toBe(false);
    expect(check.problems).toContain('the proof does not match the result: the result was changed after the draw');
    expect(check.problems).toContain('the listings, inspectors or recusals of the drawn institutions differ from the re-run');
  });

  it('R16: a changed set of drawn institutions, a changed snapshot or another seed is detected', () => {
    const req = input();
    const result = drawCampaign(req);
    const swapped = verifyCampaignDraw({ input: req, result: { ...result, institutions: [...result.institutions].reverse() } });
    expect(swapped.valid).toBe(false);
    expect(swapped.problems.some((p) => p.startsWith('the drawn institutions differ from the re-run'))).toBe(true);

    const moreListings = verifyCampaignDraw({ input: { ...req, listings: [...req.listings, listing('l-new', 'new')] }, result });
    expect(moreListings.valid).toBe(false);
    expect(moreListings.problems).toContain('the snapshot differs: the listings or the inspectors are not the ones the draw read (snapshot hash differs)');

    const changedInspector = verifyCampaignDraw({
      input: { ...req, inspectors: req.inspectors.map((i) => (i.id === 'p01' ? { ...i, employmentHistory: [{ employer: 'x', from: '2020-01-01' }] } : i)) },
      result,
    });
    expect(changedInspector.valid).toBe(false);

    const otherSeed = verifyCampaignDraw({ input: { ...req, seed: seedOf('seed two') }, result });
    expect(otherSeed.valid).toBe(false);
    expect(otherSeed.problems).toContain('the seed of the result is not the seed of the input');

    const forgedSeed = verifyCampaignDraw({ input: req, result: { ...result, seed: seedOf('seed two') } });
    expect(forgedSeed.problems).toContain('the seed does not match the recorded seed commitment');
  });

  it('R16: verification never throws, even for garbage', () => {
    const garbage = verifyCampaignDraw({ input: {} as CampaignDrawInput, result: {} as CampaignDraw });
    expect(garbage.valid).toBe(false);
    expect(verifyCampaignDraw(null as unknown as { input: CampaignDrawInput; result: CampaignDraw }).valid).toBe(false);
  });
});

describe('R16 random inspection: invalid input', () => {
  const cases: [string, Partial<CampaignDrawInput> | Record<string, unknown>, string][] = [
    ['a malformed seed', { seed: 'not-hex' }, 'seed'],
    ['a seed that does not match its commitment', { seedCommitment: commitSeed(seedOf('other')) }, 'seed'],
    ['a locality jurisdiction (listings record the province only)', { jurisdiction: 'locality:440100' }, 'jurisdiction'],
    ['one inspector per institution', { inspectorsPerInstitution: 1 }, 'inspectorsPerInstitution'],
    ['a zero count', { institutionCount: 0 }, 'institutionCount'],
    ['a share above 1', { institutionCount: { share: 1.5, minimum: 1 } }, 'institutionCount.share'],
    ['an empty filter list', { filters: { occupationCodes: [] } }, 'filters.occupationCodes'],
    ['an unknown kind filter', { filters: { kind: 'consulting' } }, 'filters.kind'],
    ['a bad draw date', { drawDate: '2026-02-30' }, 'drawDate'],
    ['a listing twice', { listings: [listing('l-1', 'a'), listing('l-1', 'b')] }, 'listings'],
    ['an institution in two provinces', { listings: [listing('l-1', 'a'), listing('l-2', 'a', { institution: { id: 'a', name: 'A', province: '45' } })] }, 'listings'],
    ['an unknown listing status', { listings: [listing('l-1', 'a', { status: 'suspended' as never })] }, 'listings[0].status'],
    ['an inspector twice', { inspectors: [inspector('p1'), inspector('p1')] }, 'inspectors'],
    ['an employment ending before it starts', { inspectors: [inspector('p1', { employmentHistory: [{ employer: 'a', from: '2024-01-01', to: '2023-01-01' }] })] }, 'inspectors[0].employmentHistory[0].to'],
  ];
  it.each(cases)('R16: rejects %s with a typed error', (_name, over, field) => {
    const error = inputError(() => drawCampaign({ ...input(), ...over } as CampaignDrawInput));
    expect(error.field).toBe(field);
    expect(error.rule).toBe('R16');
  });
});

describe('R16 staffing: the most constrained institution first', () => {
  it('R16 four inspectors for two institutions of two seats, one recused from an institution: never short, whatever the seed', () => {
    const L = (inst: string, occ: string) => ({ listingId: `training:${inst}:${occ}`, kind: 'training' as const, institution: { id: inst, name: inst, province: '44' }, occupation: { code: occ }, status: 'valid' as const });
    const person = (id: string, employer: string) => ({ id, name: id, unit: 'province:44', employer, employmentHistory: [{ employer, from: '2020-01-01', to: null }], active: true });
    const listings = [L('i001', '2-02-10-09'), L('i003', '2-02-10-09'), L('i005', '6-31-01-09')];
    const staff = [person('p001', 'institution:i001'), person('p002', 'x'), person('p003', 'x'), person('p004', 'y')];
    for (let n = 0; n < 60; n++) {
      const seed = createHash('sha256').update(`seed-${n}`).digest('hex');
      const r = drawCampaign({ seed, campaignId: 'c', jurisdiction: 'province:44', listings, institutionCount: 2, inspectors: staff, inspectorsPerInstitution: 2, drawDate: '2026-11-28' });
      expect(r.shortfalls).toEqual([]);
      for (const i of r.institutions) if (i.institutionId === 'i001') expect(i.inspectors).not.toContain('p001');
    }
  });
});
