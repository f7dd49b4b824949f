/**
 * R17(a): a training institution must not train across provinces under the name of cooperation,
 * a joint programme or an alliance. The directory flags every training site outside the
 * institution's province (sitePolicy).
 *
 * Pure: no I/O, no clock.
 */
import { Type, type Static } from 'typebox';
import { ConductInputError, sitePolicy } from './policy.js';

const ProvinceCode = Type.String({ pattern: sitePolicy.provinceCodePattern });

/** A training site of an institution; `province` is the GB/T 2260 two-digit code (e.g. '44' Guangdong). */
export const TrainingSiteSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    province: ProvinceCode,
    address: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type TrainingSite = Static<typeof TrainingSiteSchema>;

/** A site flagged under R17(a): the site as given, with the institution's province and the rule. */
export interface CrossProvinceSite extends TrainingSite {
  institutionProvince: string;
  rule: 'R17(a)';
}

const provinceCode = new RegExp(sitePolicy.provinceCodePattern);

function requireProvince(field: string, value: unknown): string {
  if (typeof value !== 'string' || !provinceCode.test(value)) {
    throw new ConductInputError(field, `expected a two-digit province code such as "44", got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * R17(a) 不得以"合作""联合""联盟"等名义跨地区（省）开展培训: the sites whose province is not the
 * institution's, in the order given, each flagged with 'R17(a)'. Decision (sitePolicy): flagged
 * whatever the arrangement is called; the reviewer decides.
 */
export function crossProvinceSites(institution: { province: string }, sites: readonly TrainingSite[]): CrossProvinceSite[] {
  const home = requireProvince('/institution/province', institution.province);
  sites.forEach((site, i) => requireProvince(`/sites/${i}/province`, site.province));
  return sites
    .filter((site) => site.province !== home)
    .map((site) => ({ ...site, institutionProvince: home, rule: 'R17(a)' }));
}
