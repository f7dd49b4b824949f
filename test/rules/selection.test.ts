import { describe, it, expect } from 'vitest';
import { Value } from 'typebox/value';
import type { Unit } from '../../rules/actors.js';
import {
  ApplicantFactsSchema,
  SelectionInputError,
  barUntil,
  checkEligibility,
  checkIntake,
  compareApplications,
  priorityOf,
  selectionPolicy,
  tallyVotes,
  type ApplicantFacts,
  type EligibilityFlag,
  type IntakeInput,
  type IntakeRejection,
  type RankedApplication,
  type Vote,
} from '../../rules/selection/index.js';

/** The field named by the SelectionInputError that `fn` throws (fails the test if it throws anything else). */
function inputErrorField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SelectionInputError) return error.field;
    throw error;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// R6 eligibility
// ---------------------------------------------------------------------------------------------

const sound: ApplicantFacts = {
  independentLegalPersonRegisteredInChina: true,
  registeredScope: 'Technical training; continuing education services',
  financialSystemSound: true,
  managementSystemSound: true,
  credit: { illegality: false, dishonesty: false, majorEconomicDisputes: false },
  influence: 'Developer of two national occupational standards; 40 partner enterprises.',
  fullTimeStaff: 25,
  faculty: 60,
  facilities: { fit: true },
  yearsOfExperience: 8,
  personTimes: [
    { year: 2023, personTimes: 3200 },
    { year: 2024, personTimes: 4100 },
    { year: 2025, personTimes: 5000 },
  ],
  acceptsSupervision: true,
};

const checks = (flags: EligibilityFlag[]) => flags.map((f) => `${f.rule} ${f.check}`);

describe('R6 eligibility (flags, not rejections)', () => {
  it('R6.1–R6.5 a sound applicant raises no flag', () => {
    expect(checkEligibility(sound)).toEqual([]);
    expect(checkEligibility(sound, { today: '2026-03-01' })).toEqual([]);
  });

  it('R6 missing facts are each flagged, not rejected', () => {
    const flags = checkEligibility({});
    expect(checks(flags)).toEqual([
      'R6.1 legalPerson',
      'R6.1 registeredScope',
      'R6.2 financialSystem',
      'R6.2 managementSystem',
      'R6.2 credit',
      'R6.3 influence',
      'R6.3 fullTimeStaff',
      'R6.3 faculty',
      'R6.3 facilities',
      'R6.4 yearsOfExperience',
      'R6.4 personTimes',
      'R6.5 acceptsSupervision',
    ]);
    for (const f of flags) expect(f.reason).toMatch(/not (provided|stated|declared|described)/);
  });

  it('R6.1 flags an applicant that is not an independent legal person registered in China', () => {
    expect(checkEligibility({ ...sound, independentLegalPersonRegisteredInChina: false })).toEqual([
      { rule: 'R6.1', check: 'legalPerson', reason: 'not an independent legal person registered in China' },
    ]);
  });

  it('R6.1 Chinese registered scope 主要从事职业技能培训 matches', () => {
    expect(checkEligibility({ ...sound, registeredScope: '主要从事职业技能培训' })).toEqual([]);
  });

  it.each(['继续教育服务', '考试服务', '职业技能鉴定', '技能人才评价', 'Professional EXAMINATION services', 'skills appraisal'])(
    'R6.1 registered scope "%s" matches one of the accepted terms',
    (scope) => {
      expect(checkEligibility({ ...sound, registeredScope: scope })).toEqual([]);
    },
  );

  it('R6.1 flags a registered scope without training, continuing education, examination or appraisal', () => {
    const flags = checkEligibility({ ...sound, registeredScope: '软件开发；信息技术咨询服务' });
    expect(checks(flags)).toEqual(['R6.1 registeredScope']);
    expect(flags[0]!.reason).toContain('软件开发；信息技术咨询服务');
    expect(flags[0]!.reason).toContain('training, continuing education, examination, appraisal');
  });

  it('R6.1 flags a blank registered scope as missing', () => {
    expect(checkEligibility({ ...sound, registeredScope: '   ' })[0]!.reason).toMatch(/not provided/);
  });

  it('R6.2 flags unsound financial and management systems', () => {
    expect(checks(checkEligibility({ ...sound, financialSystemSound: false, managementSystemSound: false }))).toEqual([
      'R6.2 financialSystem',
      'R6.2 managementSystem',
    ]);
  });

  it('R6.2 flags each record of illegality, dishonesty (失信) and major economic disputes', () => {
    const flags = checkEligibility({
      ...sound,
      credit: { illegality: true, dishonesty: true, majorEconomicDisputes: true, note: '2024 court case' },
    });
    expect(checks(flags)).toEqual(['R6.2 credit.illegality', 'R6.2 credit.dishonesty', 'R6.2 credit.majorEconomicDisputes']);
    expect(flags[1]!.reason).toContain('失信');
    expect(flags[1]!.reason).toContain('2024 court case');
  });

  it('R6.3 flags a blank description of influence', () => {
    expect(checks(checkEligibility({ ...sound, influence: ' ' }))).toEqual(['R6.3 influence']);
  });

  it('R6.3 flags no full-time staff and no faculty, naming the value and the threshold', () => {
    const flags = checkEligibility({ ...sound, fullTimeStaff: 0, faculty: 0 });
    expect(flags).toEqual([
      { rule: 'R6.3', check: 'fullTimeStaff', reason: '0 full-time staff members, at least 1 required' },
      { rule: 'R6.3', check: 'faculty', reason: '0 teachers or evaluators, at least 1 required' },
    ]);
  });

  it('R6.3 passes one full-time staff member and one teacher (the minimum)', () => {
    expect(checkEligibility({ ...sound, fullTimeStaff: 1, faculty: 1 })).toEqual([]);
  });

  it('R6.3 flags premises, equipment or platform not fit, with the note', () => {
    const flags = checkEligibility({ ...sound, facilities: { fit: false, note: 'no online assessment platform' } });
    expect(flags).toEqual([
      {
        rule: 'R6.3',
        check: 'facilities',
        reason: 'premises, equipment or platform not fit for the training or assessment: no online assessment platform',
      },
    ]);
  });

  it('R6.4 passes exactly 5 years of experience', () => {
    expect(checkEligibility({ ...sound, yearsOfExperience: 5 })).toEqual([]);
  });

  it('R6.4 flags 4 years of experience: "4 years of experience, at least 5 required"', () => {
    expect(checkEligibility({ ...sound, yearsOfExperience: 4 })).toEqual([
      { rule: 'R6.4', check: 'yearsOfExperience', reason: '4 years of experience, at least 5 required' },
    ]);
  });

  it('R6.4 passes exactly 2,000 person-times in each year', () => {
    const personTimes = [2023, 2024, 2025].map((year) => ({ year, personTimes: 2000 }));
    expect(checkEligibility({ ...sound, personTimes }, { today: '2026-05-01' })).toEqual([]);
  });

  it('R6.4 flags a year with 1,999 person-times (each year must reach 2,000)', () => {
    const personTimes = [
      { year: 2023, personTimes: 9000 },
      { year: 2024, personTimes: 1999 },
      { year: 2025, personTimes: 9000 },
    ];
    expect(checkEligibility({ ...sound, personTimes }, { today: '2026-05-01' })).toEqual([
      { rule: 'R6.4', check: 'personTimes', reason: '1,999 person-times in 2024, at least 2,000 per year required' },
    ]);
    expect(selectionPolicy.eligibility.personTimes.measure).toBe('each');
  });

  it('R6.4 with today, flags a missing full year and ignores the current, incomplete one', () => {
    const personTimes = [
      { year: 2022, personTimes: 3000 },
      { year: 2023, personTimes: 3000 },
      { year: 2024, personTimes: 3000 },
      { year: 2026, personTimes: 100 },
    ];
    expect(checkEligibility({ ...sound, personTimes }, { today: '2026-05-01' })).toEqual([
      { rule: 'R6.4', check: 'personTimes', reason: 'person-times for 2025 not provided; at least 2,000 per year required' },
    ]);
  });

  it('R6.4 without today, checks the last 3 years reported', () => {
    const personTimes = [
      { year: 2019, personTimes: 10 },
      { year: 2020, personTimes: 2500 },
      { year: 2021, personTimes: 2500 },
      { year: 2022, personTimes: 2500 },
    ];
    expect(checkEligibility({ ...sound, personTimes })).toEqual([]);
  });

  it('R6.4 flags an empty list and a year reported twice', () => {
    expect(checks(checkEligibility({ ...sound, personTimes: [] }))).toEqual(['R6.4 personTimes']);
    const twice = [...(sound.personTimes ?? []), { year: 2025, personTimes: 6000 }];
    expect(checkEligibility({ ...sound, personTimes: twice }).map((f) => f.reason)).toEqual([
      'person-times for 2025 reported twice; each year once',
    ]);
  });

  it('R6.5 flags an applicant that does not accept supervision', () => {
    expect(checks(checkEligibility({ ...sound, acceptsSupervision: false }))).toEqual(['R6.5 acceptsSupervision']);
  });

  it('R6 bad today throws', () => {
    expect(() => checkEligibility(sound, { today: '2026-02-30' })).toThrow(/today/);
  });

  it('R6 ApplicantFactsSchema accepts the facts and rejects extra properties, negatives and fractions', () => {
    expect(Value.Check(ApplicantFactsSchema, sound)).toBe(true);
    expect(Value.Check(ApplicantFactsSchema, {})).toBe(true);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, extra: 1 })).toBe(false);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, fullTimeStaff: -1 })).toBe(false);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, yearsOfExperience: 4.5 })).toBe(false);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, personTimes: [{ year: 2025, personTimes: 10, x: 1 }] })).toBe(false);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, credit: { illegality: false } })).toBe(false);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, registeredScope: 'x'.repeat(5001) })).toBe(false);
    expect(Value.Check(ApplicantFactsSchema, { ...sound, facilities: { fit: false, note: '' } })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// R7.2 / R8.1 / R9.3 intake
// ---------------------------------------------------------------------------------------------

const AI = '2-02-10-09';
const BIGDATA = '2-02-10-11';
const OTHER = '2-02-10-99';

function intake(overrides: Partial<Omit<IntakeInput, 'application' | 'round'>> & {
  round?: Partial<IntakeInput['round']>;
  application?: Partial<IntakeInput['application']>;
} = {}): IntakeInput {
  return {
    round: {
      kind: 'evaluation',
      organiser: 'national',
      window: { opens: '2026-09-01', closes: '2026-09-30' },
      occupations: [
        { code: AI, name: '人工智能工程技术人员' },
        { code: BIGDATA, name: '大数据工程技术人员' },
      ],
      ...overrides.round,
    },
    application: { institutionId: 'inst-1', province: '44', occupationCodes: [AI], recommender: 'province:44', ...overrides.application },
    existing: overrides.existing ?? [],
    bars: overrides.bars ?? [],
    at: overrides.at ?? '2026-09-10T02:00:00Z',
  };
}

const codes = (rs: IntakeRejection[]) => rs.map((r) => `${r.rule} ${r.code}`);

describe('R7.2 intake: application window', () => {
  it('R7.2 accepts an application inside the window', () => {
    expect(checkIntake(intake())).toEqual([]);
  });

  it('R7.2 accepts at 15:59:59.999Z on the last day (23:59:59.999 Asia/Shanghai)', () => {
    expect(checkIntake(intake({ at: '2026-09-30T15:59:59.999Z' }))).toEqual([]);
  });

  it('R7.2 rejects at 16:00:00.000Z on the last day (24:00 Asia/Shanghai)', () => {
    const rs = checkIntake(intake({ at: '2026-09-30T16:00:00.000Z' }));
    expect(rs).toEqual([
      {
        code: 'WINDOW_CLOSED',
        rule: 'R7.2',
        field: '/at',
        message: 'applications closed at 24:00 on 2026-09-30 (Asia/Shanghai); submitted on 2026-10-01',
        details: { date: '2026-10-01', opens: '2026-09-01', closes: '2026-09-30' },
      },
    ]);
  });

  it('R7.2 rejects the day before opening', () => {
    expect(codes(checkIntake(intake({ at: '2026-08-31T10:00:00+08:00' })))).toEqual(['R7.2 WINDOW_NOT_OPEN']);
    expect(codes(checkIntake(intake({ at: '2026-08-31T15:59:59.999Z' })))).toEqual(['R7.2 WINDOW_NOT_OPEN']);
  });

  it('R7.2 accepts from 00:00 Asia/Shanghai of the opening day', () => {
    expect(checkIntake(intake({ at: '2026-08-31T16:00:00.000Z' }))).toEqual([]);
  });
});

describe('R7.2 intake: occupations of the notice', () => {
  it('R7.1/R7.2 rejects an occupation the notice does not cover', () => {
    const rs = checkIntake(intake({ application: { occupationCodes: [AI, OTHER] } }));
    expect(codes(rs)).toEqual(['R7.2 OCCUPATION_NOT_IN_NOTICE']);
    expect(rs[0]!.field).toBe('/application/occupationCodes/1');
    expect(rs[0]!.message).toContain(OTHER);
  });

  it('R7.2 rejects an application naming no occupation, or the same occupation twice', () => {
    expect(codes(checkIntake(intake({ application: { occupationCodes: [] } })))).toEqual(['R7.2 NO_OCCUPATION']);
    expect(codes(checkIntake(intake({ application: { occupationCodes: [AI, AI] } })))).toEqual(['R7.2 OCCUPATION_REPEATED']);
  });
});

describe('R7.2 intake: one channel per occupation (不得多渠道重复申报同一职业)', () => {
  it('R7.2 rejects a second channel: industry department after provincial HR', () => {
    const rs = checkIntake(
      intake({ application: { recommender: 'industry:miit' }, existing: [{ occupationCode: AI, recommender: 'province:44', status: 'submitted' }] }),
    );
    expect(codes(rs)).toEqual(['R7.2 SECOND_CHANNEL']);
    expect(rs[0]!.details).toEqual({ occupationCode: AI, recommender: 'industry:miit', existingRecommender: 'province:44', existingStatus: 'submitted' });
  });

  it('R7.2 rejects a second channel: provincial HR after an industry department', () => {
    const rs = checkIntake(intake({ existing: [{ occupationCode: AI, recommender: 'industry:miit', status: 'inReview' }] }));
    expect(codes(rs)).toEqual(['R7.2 SECOND_CHANNEL']);
  });

  it('R7.2 rejects a duplicate through the same channel', () => {
    const rs = checkIntake(intake({ existing: [{ occupationCode: AI, recommender: 'province:44', status: 'submitted' }] }));
    expect(codes(rs)).toEqual(['R7.2 DUPLICATE_APPLICATION']);
  });

  it('R7.2 accepts another occupation through another channel', () => {
    const rs = checkIntake(
      intake({ application: { occupationCodes: [BIGDATA], recommender: 'industry:miit' }, existing: [{ occupationCode: AI, recommender: 'province:44', status: 'submitted' }] }),
    );
    expect(rs).toEqual([]);
  });

  it('R7.2 a withdrawn application allows a new one through the same channel', () => {
    expect(checkIntake(intake({ existing: [{ occupationCode: AI, recommender: 'province:44', status: 'withdrawn' }] }))).toEqual([]);
    expect(checkIntake(intake({ existing: [{ occupationCode: AI, recommender: 'province:44', status: 'rejected' }] }))).toEqual([]);
  });

  it('R7.2 a withdrawn application still binds the occupation to its channel for the round', () => {
    const rs = checkIntake(
      intake({ application: { recommender: 'industry:miit' }, existing: [{ occupationCode: AI, recommender: 'province:44', status: 'withdrawn' }] }),
    );
    expect(codes(rs)).toEqual(['R7.2 SECOND_CHANNEL']);
  });
});

describe('R7.2 intake: the recommender', () => {
  it('R7.2 accepts an industry department as recommender', () => {
    expect(checkIntake(intake({ application: { recommender: 'industry:miit' } }))).toEqual([]);
  });

  it("R7.2 rejects the provincial HR of a province other than the institution's own", () => {
    const rs = checkIntake(intake({ application: { recommender: 'province:11' } }));
    expect(codes(rs)).toEqual(['R7.2 RECOMMENDER_OUT_OF_TERRITORY']);
    expect(rs[0]!.message).toContain('province:44');
  });

  it.each<Unit>(['national', 'locality:440100', 'institution:inst-2', 'expert:e1'])('R7.2 rejects %s as recommender', (recommender) => {
    expect(codes(checkIntake(intake({ application: { recommender } })))).toEqual(['R7.2 RECOMMENDER_NOT_ALLOWED']);
  });
});

describe('R9.3 intake: re-application bar', () => {
  const bar = { institutionId: 'inst-1', kind: 'evaluation' as const, occupationCode: AI, until: '2026-09-15', reason: 'deemed abandonment (R9.2c), listing expired 2023-09-15' };

  it('R9.3 rejects up to and including the bar end date, naming it', () => {
    const rs = checkIntake(intake({ bars: [bar], at: '2026-09-15T15:59:59.999Z' }));
    expect(codes(rs)).toEqual(['R9.3 REAPPLICATION_BARRED']);
    expect(rs[0]!.message).toContain('until 2026-09-15');
    expect(rs[0]!.details).toEqual({ occupationCode: AI, kind: 'evaluation', until: '2026-09-15', reason: bar.reason });
  });

  it('R9.3 accepts the day after the bar ends', () => {
    expect(checkIntake(intake({ bars: [bar], at: '2026-09-15T16:00:00.000Z' }))).toEqual([]);
  });

  it('R9.3 a bar applies to its kind, occupation and institution only', () => {
    expect(checkIntake(intake({ bars: [{ ...bar, kind: 'training' }] }))).toEqual([]);
    expect(checkIntake(intake({ bars: [{ ...bar, occupationCode: BIGDATA }] }))).toEqual([]);
    expect(checkIntake(intake({ bars: [{ ...bar, institutionId: 'inst-2' }] }))).toEqual([]);
  });

  it('R9.3 barUntil: expiry + 3 years, inclusive', () => {
    expect(barUntil('2026-06-30')).toBe('2029-06-30');
    expect(barUntil('2028-02-29')).toBe('2031-02-28');
    expect(() => barUntil('2026-13-01')).toThrow(/expiry/);
  });
});

describe('R8.1 intake: training rounds run by a province', () => {
  const training = { kind: 'training' as const, organiser: 'province:44' as const };

  it('R8.1 accepts an institution located in the organising province', () => {
    expect(checkIntake(intake({ round: training }))).toEqual([]);
  });

  it('R8.1 rejects an institution located in another province', () => {
    const rs = checkIntake(intake({ round: training, application: { province: '11', recommender: 'province:11' } }));
    expect(codes(rs)).toEqual(['R8.1 OUTSIDE_PROVINCE']);
  });
});

describe('intake: bad input throws', () => {
  it('R7/R8.1 a round whose organiser does not fit its kind throws', () => {
    expect(inputErrorField(() => checkIntake(intake({ round: { organiser: 'province:44' } })))).toBe('/round/organiser');
    expect(inputErrorField(() => checkIntake(intake({ round: { kind: 'training', organiser: 'national' } })))).toBe('/round/organiser');
  });

  it('R7.2 a window closing before it opens, a bad date, a bad province or instant throws', () => {
    expect(inputErrorField(() => checkIntake(intake({ round: { window: { opens: '2026-09-30', closes: '2026-09-01' } } })))).toBe('/round/window/closes');
    expect(() => checkIntake(intake({ round: { window: { opens: '2026-02-30', closes: '2026-09-01' } } }))).toThrow(/opens/);
    expect(inputErrorField(() => checkIntake(intake({ application: { province: 'GD' } })))).toBe('/application/province');
    expect(() => checkIntake(intake({ at: '2026-09-10T10:00:00' }))).toThrow(/\/at/);
  });
});

// ---------------------------------------------------------------------------------------------
// R7.0 / R8.2 priority and staff-list ordering
// ---------------------------------------------------------------------------------------------

describe('R7.0 / R8.2 priority', () => {
  it('R7.0 evaluation: national standard developers, then industry organisations and leading enterprises, then others', () => {
    expect(priorityOf('evaluation', 'nationalStandardDeveloper')).toBe(0);
    expect(priorityOf('evaluation', 'industryOrganisation')).toBe(1);
    expect(priorityOf('evaluation', 'leadingEnterprise')).toBe(1);
    expect(priorityOf('evaluation', 'other')).toBe(2);
    expect(priorityOf('evaluation', 'continuingEducationBase')).toBe(2);
  });

  it('R8.2 training: continuing-education bases, then industry organisations and leading enterprises, then others', () => {
    expect(priorityOf('training', 'continuingEducationBase')).toBe(0);
    expect(priorityOf('training', 'industryOrganisation')).toBe(1);
    expect(priorityOf('training', 'leadingEnterprise')).toBe(1);
    expect(priorityOf('training', 'other')).toBe(2);
    expect(priorityOf('training', 'nationalStandardDeveloper')).toBe(2);
  });

  it('R7.0 orders by category, then fewer R6 flags, then earlier submission', () => {
    const flag: EligibilityFlag = { rule: 'R6.4', check: 'yearsOfExperience', reason: '4 years of experience, at least 5 required' };
    const app = (id: string, category: RankedApplication['category'], flags: number, submittedAt: string): RankedApplication => ({
      id,
      kind: 'evaluation',
      category,
      flags: Array.from({ length: flags }, () => flag),
      submittedAt,
    });
    const list = [
      app('other', 'other', 0, '2026-09-01T00:00:00Z'),
      app('enterprise-late', 'leadingEnterprise', 0, '2026-09-05T00:00:00Z'),
      app('enterprise-flagged', 'leadingEnterprise', 2, '2026-09-01T00:00:00Z'),
      app('developer-flagged', 'nationalStandardDeveloper', 3, '2026-09-09T00:00:00Z'),
      app('organisation-early', 'industryOrganisation', 0, '2026-09-05T07:59:00+08:00'),
    ];
    expect(list.sort(compareApplications).map((a) => a.id)).toEqual([
      'developer-flagged',
      'organisation-early',
      'enterprise-late',
      'enterprise-flagged',
      'other',
    ]);
  });

  it('R7.0 ranking applications of different kinds throws', () => {
    const a: RankedApplication = { kind: 'evaluation', category: 'other', flags: [], submittedAt: '2026-09-01T00:00:00Z' };
    expect(inputErrorField(() => compareApplications(a, { ...a, kind: 'training' }))).toBe('kind');
  });
});

// ---------------------------------------------------------------------------------------------
// R7.3 expert vote
// ---------------------------------------------------------------------------------------------

const votes = (...recommend: boolean[]): Vote[] => recommend.map((r, i) => ({ expertId: `e${i + 1}`, recommend: r }));

describe('R7.3 tally of the panel vote', () => {
  it('R7.3 a 5-member panel needs 4 votes (2/3 rounded up)', () => {
    expect(tallyVotes(votes(true, true, true, true), 5).required).toBe(4);
    expect(selectionPolicy.panel.size).toBe(5);
  });

  it('R7.3 3 yes of 4 cast is recommended', () => {
    expect(tallyVotes(votes(true, true, true, false), 5)).toEqual({
      cast: 4,
      required: 4,
      quorate: true,
      yes: 3,
      no: 1,
      recommended: true,
      averageScore: null,
    });
  });

  it('R7.3 2 yes of 4 cast is not recommended (no simple majority)', () => {
    const t = tallyVotes(votes(true, true, false, false), 5);
    expect([t.quorate, t.yes, t.recommended]).toEqual([true, 2, false]);
  });

  it('R7.3 3 votes cast of 5 is not quorate, so not recommended even if all yes', () => {
    const t = tallyVotes(votes(true, true, true), 5);
    expect([t.cast, t.quorate, t.recommended]).toEqual([3, false, false]);
  });

  it('R7.3 averages the scores given', () => {
    const t = tallyVotes(
      [
        { expertId: 'a', recommend: true, score: 80 },
        { expertId: 'b', recommend: true, score: 91 },
        { expertId: 'c', recommend: false },
        { expertId: 'd', recommend: true, score: 70 },
        { expertId: 'e', recommend: false, score: 59 },
      ],
      5,
    );
    expect(t).toMatchObject({ cast: 5, yes: 3, no: 2, recommended: true, averageScore: 75 });
  });

  it('R7.3 quorum for other odd panels: 1 of 1, 2 of 3, 5 of 7', () => {
    expect(tallyVotes([], 1).required).toBe(1);
    expect(tallyVotes([], 3).required).toBe(2);
    expect(tallyVotes([], 7).required).toBe(5);
  });

  it('R7.3 a duplicate vote of the same expert throws', () => {
    expect(inputErrorField(() => tallyVotes([...votes(true, false), { expertId: 'e1', recommend: true }], 5))).toBe('/votes/2/expertId');
  });

  it.each([4, 0, -3, 2.5, Number.NaN])('R7.3 panel size %s (not an odd positive integer) throws', (size) => {
    expect(inputErrorField(() => tallyVotes([], size))).toBe('panelSize');
  });

  it('R7.3 more votes than members, an empty expert id or a score out of range throws', () => {
    expect(inputErrorField(() => tallyVotes(votes(true, true, true, true), 3))).toBe('/votes');
    expect(inputErrorField(() => tallyVotes([{ expertId: '', recommend: true }], 5))).toBe('/votes/0/expertId');
    expect(inputErrorField(() => tallyVotes([{ expertId: 'a', recommend: true, score: 101 }], 5))).toBe('/votes/0/score');
  });
});
