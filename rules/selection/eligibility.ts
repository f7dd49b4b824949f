/**
 * R6 basic conditions (Art. 6, 一般应具备): the facts an applicant declares, and the checks that
 * flag what fails or is missing.
 *
 * R6 Decision: "generally should" means a failed check is a **flag**, never a rejection; the
 * preliminary reviewer may pass a flagged application only with a recorded reason.
 *
 * Pure functions: no I/O, no clock ("today" is a parameter).
 */
import { Type, type Static } from 'typebox';
// dates.js only: these rules may run inside workflows, which must not bundle the holiday data.
import { type IsoDate, parseIsoDate, yearOf } from '../calendar/dates.js';
import { selectionPolicy } from './policy.js';

const Note = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Count = (max: number) => Type.Integer({ minimum: 0, maximum: max });

/**
 * What an applicant declares about itself for R6.1–R6.5. Every fact is optional: a missing fact is
 * flagged, not refused, so a partial application can still be checked and completed.
 */
export const ApplicantFactsSchema = Type.Object(
  {
    /** R6.1 在中国境内依法登记的独立法人机构. */
    independentLegalPersonRegisteredInChina: Type.Optional(Type.Boolean()),
    /** R6.1 the registered business scope, verbatim (Chinese or English). */
    registeredScope: Type.Optional(Type.String({ maxLength: 5000 })),
    /** R6.2 规范的财务制度. */
    financialSystemSound: Type.Optional(Type.Boolean()),
    /** R6.2 规范的管理制度. */
    managementSystemSound: Type.Optional(Type.Boolean()),
    /** R6.2 records held against the applicant (true = there is such a record). */
    credit: Type.Optional(
      Type.Object(
        {
          illegality: Type.Boolean({ description: '违法 records' }),
          dishonesty: Type.Boolean({ description: '失信 records (dishonest-persons lists, credit blacklists)' }),
          majorEconomicDisputes: Type.Boolean({ description: '重大经济纠纷' }),
          note: Type.Optional(Note(2000)),
        },
        { additionalProperties: false },
      ),
    ),
    /** R6.3 影响力、公信力、认可度 in the occupation's field, as the applicant describes it. */
    influence: Type.Optional(Type.String({ maxLength: 5000 })),
    /** R6.3 专职工作人员. */
    fullTimeStaff: Type.Optional(Count(1_000_000)),
    /** R6.3 师资 (training) or 考评员、质量督导员 (evaluation), part-time included. */
    faculty: Type.Optional(Count(1_000_000)),
    /** R6.3 场地、设备、工具（软件）系统、线上平台 fit for the training or assessment. */
    facilities: Type.Optional(
      Type.Object({ fit: Type.Boolean(), note: Type.Optional(Note(2000)) }, { additionalProperties: false }),
    ),
    /** R6.4 full years of experience training or assessing technical personnel. */
    yearsOfExperience: Type.Optional(Count(200)),
    /** R6.4 person-times trained or assessed, per full calendar year. */
    personTimes: Type.Optional(
      Type.Array(
        Type.Object(
          { year: Type.Integer({ minimum: 1949, maximum: 2200 }), personTimes: Count(100_000_000) },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    /** R6.5 自愿接受人力资源社会保障部门的监督. */
    acceptsSupervision: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ApplicantFacts = Static<typeof ApplicantFactsSchema>;

export type EligibilityRule = 'R6.1' | 'R6.2' | 'R6.3' | 'R6.4' | 'R6.5';
export type EligibilityCheck =
  | 'legalPerson'
  | 'registeredScope'
  | 'financialSystem'
  | 'managementSystem'
  | 'credit'
  | 'credit.illegality'
  | 'credit.dishonesty'
  | 'credit.majorEconomicDisputes'
  | 'influence'
  | 'fullTimeStaff'
  | 'faculty'
  | 'facilities'
  | 'yearsOfExperience'
  | 'personTimes'
  | 'acceptsSupervision';

/** One failed or missing R6 check. Not a rejection (R6 Decision). */
export interface EligibilityFlag {
  rule: EligibilityRule;
  check: EligibilityCheck;
  /** A human reason naming the value and the threshold. */
  reason: string;
}

export interface EligibilityOptions {
  /**
   * The day the facts are checked (Asia/Shanghai). When given, R6.4 looks at the
   * `yearsConsidered` full calendar years before this day's year (applying in 2026: 2023–2025), and
   * a missing year is flagged. Without it, the last `yearsConsidered` years the applicant reported
   * are used, whatever they are.
   */
  today?: IsoDate;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

/** R6.1: the policy's scope terms found in the registered scope text (empty when none). */
export function matchedScopeTerms(scope: string): string[] {
  const text = normalise(scope);
  return selectionPolicy.eligibility.registeredScopeKeywords
    .filter((k) => k.match.some((m) => text.includes(normalise(m))))
    .map((k) => k.term);
}

/**
 * R6.1–R6.5: every failed or missing check as a flag (empty = no flag). Flags are never
 * rejections (R6 Decision).
 */
export function checkEligibility(facts: ApplicantFacts, options: EligibilityOptions = {}): EligibilityFlag[] {
  const e = selectionPolicy.eligibility;
  const flags: EligibilityFlag[] = [];
  const flag = (rule: EligibilityRule, check: EligibilityCheck, reason: string) => flags.push({ rule, check, reason });

  // R6.1 independent legal person registered in China.
  if (facts.independentLegalPersonRegisteredInChina === undefined) {
    flag('R6.1', 'legalPerson', 'not stated whether the applicant is an independent legal person registered in China');
  } else if (!facts.independentLegalPersonRegisteredInChina) {
    flag('R6.1', 'legalPerson', 'not an independent legal person registered in China');
  }

  // R6.1 registered scope includes training, continuing education, examination or appraisal.
  const terms = e.registeredScopeKeywords.map((k) => k.term).join(', ');
  if (facts.registeredScope === undefined || facts.registeredScope.trim() === '') {
    flag('R6.1', 'registeredScope', `registered scope not provided; it should include one of: ${terms}`);
  } else if (matchedScopeTerms(facts.registeredScope).length === 0) {
    flag('R6.1', 'registeredScope', `registered scope "${facts.registeredScope.trim()}" includes none of: ${terms}`);
  }

  // R6.2 sound financial and management systems.
  if (facts.financialSystemSound === undefined) flag('R6.2', 'financialSystem', 'not stated whether the financial system is sound');
  else if (!facts.financialSystemSound) flag('R6.2', 'financialSystem', 'financial system not sound');
  if (facts.managementSystemSound === undefined) flag('R6.2', 'managementSystem', 'not stated whether the management systems are sound');
  else if (!facts.managementSystemSound) flag('R6.2', 'managementSystem', 'management systems not sound');

  // R6.2 good social credit: no records of illegality, dishonesty (失信) or major economic disputes.
  if (facts.credit === undefined) {
    flag('R6.2', 'credit', 'credit records (illegality, dishonesty, major economic disputes) not declared');
  } else {
    const note = facts.credit.note ? ` (${facts.credit.note})` : '';
    if (facts.credit.illegality) flag('R6.2', 'credit.illegality', `has a record of illegality (违法)${note}; none allowed`);
    if (facts.credit.dishonesty) flag('R6.2', 'credit.dishonesty', `has a record of dishonesty (失信)${note}; none allowed`);
    if (facts.credit.majorEconomicDisputes) {
      flag('R6.2', 'credit.majorEconomicDisputes', `has a record of major economic disputes (重大经济纠纷)${note}; none allowed`);
    }
  }

  // R6.3 influence and recognition in the field: free text, judged by the reviewer; only its absence is flagged.
  if (facts.influence === undefined || facts.influence.trim() === '') {
    flag('R6.3', 'influence', 'influence and recognition in the occupation\'s field not described');
  }

  // R6.3 full-time staff and a stable faculty (or evaluators and quality supervisors, part-time allowed).
  if (facts.fullTimeStaff === undefined) {
    flag('R6.3', 'fullTimeStaff', `number of full-time staff not provided; at least ${e.minimumFullTimeStaff} required`);
  } else if (facts.fullTimeStaff < e.minimumFullTimeStaff) {
    flag('R6.3', 'fullTimeStaff', `${plural(facts.fullTimeStaff, 'full-time staff member')}, at least ${e.minimumFullTimeStaff} required`);
  }
  if (facts.faculty === undefined) {
    flag('R6.3', 'faculty', `size of the faculty (or evaluators and quality supervisors) not provided; at least ${e.minimumFaculty} required`);
  } else if (facts.faculty < e.minimumFaculty) {
    flag('R6.3', 'faculty', `${plural(facts.faculty, 'teacher or evaluator', 'teachers or evaluators')}, at least ${e.minimumFaculty} required`);
  }

  // R6.3 premises, equipment, software or an online platform fit for the training or assessment.
  if (facts.facilities === undefined) {
    flag('R6.3', 'facilities', 'premises, equipment and platform not described');
  } else if (!facts.facilities.fit) {
    const note = facts.facilities.note ? `: ${facts.facilities.note}` : '';
    flag('R6.3', 'facilities', `premises, equipment or platform not fit for the training or assessment${note}`);
  }

  // R6.4 at least 5 years of experience.
  if (facts.yearsOfExperience === undefined) {
    flag('R6.4', 'yearsOfExperience', `years of experience not provided; at least ${e.minimumYearsOfExperience} required`);
  } else if (facts.yearsOfExperience < e.minimumYearsOfExperience) {
    flag('R6.4', 'yearsOfExperience', `${plural(facts.yearsOfExperience, 'year')} of experience, at least ${e.minimumYearsOfExperience} required`);
  }

  // R6.4 at least 2,000 person-times per year.
  flags.push(...checkPersonTimes(facts.personTimes, options.today));

  // R6.5 accepts supervision by HR departments.
  if (facts.acceptsSupervision === undefined) flag('R6.5', 'acceptsSupervision', 'not stated whether the applicant accepts supervision by HR departments');
  else if (!facts.acceptsSupervision) flag('R6.5', 'acceptsSupervision', 'does not accept supervision by HR departments');

  return flags;
}

/** R6.4 person-times, per the policy's measure ('each' year, or the 'average' of the years considered). */
function checkPersonTimes(reported: ApplicantFacts['personTimes'], today: IsoDate | undefined): EligibilityFlag[] {
  const { minimumPerYear, yearsConsidered, measure } = selectionPolicy.eligibility.personTimes;
  const min = minimumPerYear.toLocaleString('en-US');
  const flags: EligibilityFlag[] = [];
  const flag = (reason: string) => flags.push({ rule: 'R6.4', check: 'personTimes', reason });

  const byYear = new Map<number, number>();
  for (const r of reported ?? []) {
    if (byYear.has(r.year)) flag(`person-times for ${r.year} reported twice; each year once`);
    byYear.set(r.year, r.personTimes);
  }

  let years: number[];
  if (today !== undefined) {
    // The full calendar years before the year of `today`; the current year is not complete.
    const current = yearOf(parseIsoDate(today, 'today'));
    years = Array.from({ length: yearsConsidered }, (_, i) => current - yearsConsidered + i);
  } else {
    years = [...byYear.keys()].sort((a, b) => a - b).slice(-yearsConsidered);
  }
  if (years.length === 0) {
    return [...flags, { rule: 'R6.4', check: 'personTimes', reason: `person-times per year not provided; at least ${min} per year required` }];
  }

  const missing = years.filter((y) => !byYear.has(y));
  for (const y of missing) flag(`person-times for ${y} not provided; at least ${min} per year required`);
  const present = years.filter((y) => byYear.has(y));
  if (measure === 'each') {
    for (const y of present) {
      const n = byYear.get(y) ?? 0;
      if (n < minimumPerYear) flag(`${n.toLocaleString('en-US')} person-times in ${y}, at least ${min} per year required`);
    }
  } else if (present.length > 0) {
    const average = present.reduce((sum, y) => sum + (byYear.get(y) ?? 0), 0) / present.length;
    if (average < minimumPerYear) {
      const avg = (Math.round(average * 10) / 10).toLocaleString('en-US');
      flag(`an average of ${avg} person-times per year over ${present.join(', ')}, at least ${min} required`);
    }
  }
  return flags;
}
