/**
 * The national world the benchmark's workload runs in: 31 provinces (weighted roughly by the number of
 * institutions they hold), the national group, industry departments, the expert pool, the occupations
 * of the digital-technology notices, and the people (principals) who act in it. Pure data and plain
 * functions; `bench/national/workload.ts` drives it through the API.
 */
import type { Kind, Occupation } from '../../rules/kinds.js';
import type { Principal, Unit } from '../../rules/actors.js';
import { prng } from '../../test/support/prng.js';

/** GB/T 2260 province-level codes, with a rough weight (share of institutions; larger provinces more). */
export const PROVINCES: readonly { code: string; name: string; weight: number }[] = [
  { code: '11', name: '北京', weight: 5 }, { code: '12', name: '天津', weight: 2 }, { code: '13', name: '河北', weight: 3 },
  { code: '14', name: '山西', weight: 2 }, { code: '15', name: '内蒙古', weight: 1 }, { code: '21', name: '辽宁', weight: 2 },
  { code: '22', name: '吉林', weight: 1 }, { code: '23', name: '黑龙江', weight: 1 }, { code: '31', name: '上海', weight: 5 },
  { code: '32', name: '江苏', weight: 6 }, { code: '33', name: '浙江', weight: 6 }, { code: '34', name: '安徽', weight: 3 },
  { code: '35', name: '福建', weight: 3 }, { code: '36', name: '江西', weight: 2 }, { code: '37', name: '山东', weight: 5 },
  { code: '41', name: '河南', weight: 4 }, { code: '42', name: '湖北', weight: 4 }, { code: '43', name: '湖南', weight: 3 },
  { code: '44', name: '广东', weight: 8 }, { code: '45', name: '广西', weight: 2 }, { code: '46', name: '海南', weight: 1 },
  { code: '50', name: '重庆', weight: 2 }, { code: '51', name: '四川', weight: 4 }, { code: '52', name: '贵州', weight: 2 },
  { code: '53', name: '云南', weight: 2 }, { code: '54', name: '西藏', weight: 1 }, { code: '61', name: '陕西', weight: 3 },
  { code: '62', name: '甘肃', weight: 1 }, { code: '63', name: '青海', weight: 1 }, { code: '64', name: '宁夏', weight: 1 },
  { code: '65', name: '新疆', weight: 1 },
];

export const INDUSTRY_DEPARTMENTS: readonly Unit[] = ['industry:miit', 'industry:cac', 'industry:most'];

/** The occupations of the notices (国家职业分类大典 codes of digital-technology engineers). */
export const OCCUPATIONS: readonly Occupation[] = [
  { code: '2-02-10-09', name: '人工智能工程技术人员' },
  { code: '2-02-10-10', name: '物联网工程技术人员' },
  { code: '2-02-10-11', name: '大数据工程技术人员' },
  { code: '2-02-10-12', name: '云计算工程技术人员' },
];

/** Deterministic pseudo-random numbers (mulberry32), so a seed gives the same world and workload. */
export function rng(seed: number) {
  const next = prng(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** Splits `total` over the provinces by weight (largest remainder), every province at least `min`. */
export function apportion(total: number, min = 0): Map<string, number> {
  const weights = PROVINCES.map((p) => p.weight);
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = Math.max(0, total - min * PROVINCES.length);
  const exact = weights.map((w) => (free * w) / sum);
  const out = exact.map((x) => Math.floor(x) + min);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return new Map(PROVINCES.map((p, i) => [p.code, out[i]!]));
}

export const staff = (role: 'officer' | 'leader', unit: Unit): Principal => ({ id: `bench-${role}-${unit.replace(':', '-')}`, name: `${unit} ${role}`, role, unit });
export const expert = (n: number): Principal => ({ id: `bench-expert-${n}`, name: `专家${n}`, role: 'expert', unit: `expert:be${n}` });
export const institution = (id: string, name: string): Principal => ({ id: `bench-inst-${id}`, name, role: 'institution', unit: `institution:${id}` });

/** One institution's application in a round: the organiser (national for evaluation, R7; the province for training, R8.1). */
export interface ApplicationPlan {
  kind: 'application';
  index: number;
  institutionId: string;
  institutionName: string;
  province: string;
  organiser: Unit;
  roundKind: Kind;
  recommender: Unit;
  occupation: Occupation;
}

/** A listing already in the directory and what happens to it in the run: its annual report, or its renewal. */
export interface ListingPlan {
  kind: 'listing';
  index: number;
  /**
   * What happens to it in the run: nothing (`standing`, published this year, nothing owed yet); a
   * change of contact details (`change`, R20.3); last year's annual report, late (`annualReport`,
   * published last year, R14.2); its renewal (`renewal`, validity ends in 4–5 months, R9.1).
   */
  script: 'standing' | 'change' | 'annualReport' | 'renewal';
  institutionId: string;
  institutionName: string;
  province: string;
  listingKind: Kind;
  organiser: Unit;
  recommender: Unit;
  occupation: Occupation;
  publishedOn: string;
}

export type CasePlan = ApplicationPlan | ListingPlan;

export interface WorldOptions {
  applications: number;
  listings: number;
  experts: number;
  seed: number;
  /** Today in Asia/Shanghai (YYYY-MM-DD): listings are published relative to it. */
  today: string;
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const addYears = (date: string, n: number) => `${Number(date.slice(0, 4)) + n}${date.slice(4)}`;
const earliest = (a: string, b: string) => (a < b ? a : b);

/**
 * The workload: `applications` applications (a fifth to the national evaluation round, the rest to
 * their province's training round, recommended by their province or an industry department), and
 * `listings` listings already in the directory (see `ListingPlan.script`: 60 % standing, 15 % report
 * a change, 15 % file last year's annual report late, 10 % renew).
 */
export function planWorld(o: WorldOptions): { applications: ApplicationPlan[]; listings: ListingPlan[] } {
  const r = rng(o.seed);
  const applications: ApplicationPlan[] = [];
  const perProvince = apportion(o.applications);
  let n = 0;
  for (const p of PROVINCES) {
    for (let i = 0; i < perProvince.get(p.code)!; i++) {
      const evaluation = r.next() < 0.2;
      const id = `ba${n}`;
      applications.push({
        kind: 'application',
        index: n++,
        institutionId: id,
        institutionName: `${p.name}数字技术${evaluation ? '评价中心' : '培训学院'}${i + 1}`,
        province: p.code,
        organiser: evaluation ? 'national' : `province:${p.code}`,
        roundKind: evaluation ? 'evaluation' : 'training',
        recommender: r.next() < 0.75 ? `province:${p.code}` : r.pick(INDUSTRY_DEPARTMENTS),
        occupation: r.pick(OCCUPATIONS),
      });
    }
  }
  const listings: ListingPlan[] = [];
  const listingsPerProvince = apportion(o.listings);
  n = 0;
  // Last year's report is accepted from 1 January of this year (R14.2): listings published last year owe it.
  const lastYear = Number(o.today.slice(0, 4)) - 1;
  for (const p of PROVINCES) {
    for (let i = 0; i < listingsPerProvince.get(p.code)!; i++) {
      const training = r.next() < 0.7;
      const x = r.next();
      const script: ListingPlan['script'] = x < 0.6 ? 'standing' : x < 0.75 ? 'change' : x < 0.9 ? 'annualReport' : 'renewal';
      const day = (year: number) => `${year}-${String(2 + r.int(8)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
      // Renewal: valid until today + 4–5 months (filed before the R9.1 deadline, 3 months before expiry).
      const publishedOn = script === 'renewal' ? addYears(addDays(o.today, 125 + r.int(25)), -3) : script === 'annualReport' ? day(lastYear) : earliest(day(lastYear + 1), addDays(o.today, -30));
      const id = `bl${n}`;
      listings.push({
        kind: 'listing',
        index: n++,
        script,
        institutionId: id,
        institutionName: `${p.name}数字技术${training ? '职业培训学校' : '技能评价中心'}${i + 1}`,
        province: p.code,
        listingKind: training ? 'training' : 'evaluation',
        organiser: training ? `province:${p.code}` : 'national',
        recommender: r.next() < 0.75 ? `province:${p.code}` : r.pick(INDUSTRY_DEPARTMENTS),
        occupation: r.pick(OCCUPATIONS),
        publishedOn,
      });
    }
  }
  // Interleave so every slice of the workload has the same mix of provinces and case types.
  const shuffle = <T>(xs: T[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  return { applications: shuffle(applications), listings: shuffle(listings) };
}
