import type { getSolarTermDate } from 'chinese-days';
import type { IsoDate } from './dates.js';

/** chinese-days' solar-term key (its type is not exported by name). */
export type SolarTermKey = Parameters<typeof getSolarTermDate>[2];

/**
 * One day of a statutory holiday, as the regulation defines it. Resolved for a Gregorian year Y:
 * - `gregorian`: month/day of Y;
 * - `lunar`: month/day (never a leap month) of the lunar year that begins in Y;
 * - `lunarNewYearsEve`: the last day of the lunar year that ends in Y (除夕: the day before
 *   the 1st of the first lunar month; the 29th or the 30th of the 12th month);
 * - `solarTerm`: the day of that solar term in `month` of Y.
 */
export type HolidayDayRule =
  | { kind: 'gregorian'; month: number; day: number }
  | { kind: 'lunar'; month: number; day: number }
  | { kind: 'lunarNewYearsEve' }
  | { kind: 'solarTerm'; term: SolarTermKey; month: number };

export interface StatutoryHoliday {
  id: string;
  /** Chinese name, used in DayInfo.name and the `holiday: …` reasons. */
  name: string;
  /** English name, used in the explanation sentence. */
  nameEn: string;
  /** Other spellings of the same holiday (chinese-days' names, short forms) mapped to this one. */
  aliases: readonly string[];
  days: readonly HolidayDayRule[];
}

export interface HolidayRegulation {
  title: string;
  titleZh: string;
  /** First day the holiday list below applies; the fallback refuses earlier years. */
  inForceFrom: IsoDate;
  holidays: readonly StatutoryHoliday[];
}

/**
 * 全国年节及纪念日放假办法 (National Holidays Regulation) as revised 2024, in force from
 * 2025-01-01: the holidays for all citizens (rules.md, "Time"). The fallback for a year without a
 * published State Council arrangement is weekends plus these days. A change of the regulation is a
 * change of this object (or a new one with a later `inForceFrom`), nothing else.
 */
export const NATIONAL_HOLIDAYS_REGULATION: HolidayRegulation = {
  title: 'National Holidays Regulation (revised 2024)',
  titleZh: '全国年节及纪念日放假办法（2024年修订）',
  inForceFrom: '2025-01-01',
  holidays: [
    {
      id: 'newYear', name: '元旦', nameEn: "New Year's Day", aliases: [],
      days: [{ kind: 'gregorian', month: 1, day: 1 }],
    },
    {
      id: 'springFestival', name: '春节', nameEn: 'Spring Festival', aliases: [],
      days: [
        { kind: 'lunarNewYearsEve' },
        { kind: 'lunar', month: 1, day: 1 },
        { kind: 'lunar', month: 1, day: 2 },
        { kind: 'lunar', month: 1, day: 3 },
      ],
    },
    {
      id: 'qingming', name: '清明节', nameEn: 'Qingming Festival', aliases: ['清明', 'Tomb-sweeping Day'],
      days: [{ kind: 'solarTerm', term: 'pure_brightness', month: 4 }],
    },
    {
      id: 'labourDay', name: '劳动节', nameEn: 'Labour Day', aliases: ['Labor Day', '五一'],
      days: [{ kind: 'gregorian', month: 5, day: 1 }, { kind: 'gregorian', month: 5, day: 2 }],
    },
    {
      id: 'dragonBoat', name: '端午节', nameEn: 'Dragon Boat Festival', aliases: ['端午'],
      days: [{ kind: 'lunar', month: 5, day: 5 }],
    },
    {
      id: 'midAutumn', name: '中秋节', nameEn: 'Mid-Autumn Festival', aliases: ['中秋', 'Mid-autumn Festival'],
      days: [{ kind: 'lunar', month: 8, day: 15 }],
    },
    {
      id: 'nationalDay', name: '国庆节', nameEn: 'National Day', aliases: ['国庆'],
      days: [
        { kind: 'gregorian', month: 10, day: 1 },
        { kind: 'gregorian', month: 10, day: 2 },
        { kind: 'gregorian', month: 10, day: 3 },
      ],
    },
  ],
};

/**
 * Canonical Chinese and English names for a holiday name from any source (chinese-days, an
 * admin's arrangement, the regulation). Unknown names (e.g. a one-off commemoration day) pass
 * through unchanged.
 */
export function canonicalHolidayName(
  name: string,
  nameEn?: string,
  regulation: HolidayRegulation = NATIONAL_HOLIDAYS_REGULATION,
): { name: string; nameEn: string } {
  const candidates = [name, nameEn].filter((n): n is string => n !== undefined).map((n) => n.trim());
  for (const h of regulation.holidays) {
    const spellings = [h.name, h.nameEn, ...h.aliases].map((s) => s.toLowerCase());
    if (candidates.some((c) => spellings.includes(c.toLowerCase()))) return { name: h.name, nameEn: h.nameEn };
  }
  return { name: name.trim(), nameEn: (nameEn ?? name).trim() };
}
