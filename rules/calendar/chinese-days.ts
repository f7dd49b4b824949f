/**
 * The only module that talks to chinese-days.
 *
 * Two things about chinese-days 1.5.7 decide how it is used here:
 *
 * 1. Its runtime holiday table depends on the host time zone. It parses 'YYYY-M-D' strings as UTC
 *    midnight but formats them with the local getters, so on a host west of UTC (any America/*
 *    zone) every entry of the table it builds at load time sits one day early: getDayDetail says
 *    2026-09-30 is National Day, 2026-10-07 a working day and 2026-10-10 (a make-up Saturday) a
 *    weekend. Its published data file `dist/chinese-days.json` (documented in its README, built by
 *    its maintainer from the same arrangement source) is plain 'YYYY-MM-DD' keys, independent of
 *    the host. We read the State Council arrangements from that file.
 * 2. The same string handling makes getSolarTermDate return the day before the solar term on such
 *    hosts. getSolarDateFromLunar is host-independent when given a Date built from local fields,
 *    which is what we pass it.
 */
import chineseDays from 'chinese-days';
import bundledData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { DateTime } from 'luxon';
import { type IsoDate, dayStart, isoDateOf, parseIsoDate } from './dates.js';
import type { SolarTermKey } from './regulation.js';

/** chinese-days lunar and solar-term tables cover 1900–2100; keep a margin for the lunar eve. */
export const MIN_SUPPORTED_YEAR = 1901;
export const MAX_SUPPORTED_YEAR = 2099;

export interface BundledEntry {
  working: boolean;
  /** Chinese name as chinese-days spells it, e.g. 国庆节, 清明. */
  name: string;
  nameEn: string;
}

interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** chinese-days encodes an entry as "English name,中文名,statutory days". */
function parseEntry(value: string, working: boolean): BundledEntry {
  const [nameEn = value, name = nameEn] = value.split(',');
  return { working, name, nameEn };
}

const bundledEntries: ReadonlyMap<IsoDate, BundledEntry> = (() => {
  const data = bundledData as ChineseDaysJson;
  const map = new Map<IsoDate, BundledEntry>();
  for (const [date, value] of Object.entries(data.holidays)) map.set(parseIsoDate(date), parseEntry(value, false));
  // A date listed in both tables is a working day in chinese-days (its getDayDetail checks
  // workdays first); none is in 1.5.7.
  for (const [date, value] of Object.entries(data.workdays)) map.set(parseIsoDate(date), parseEntry(value, true));
  return map;
})();

/**
 * The years whose State Council arrangement chinese-days carries. chinese-days has no API for
 * this, and a year it lacks reads as "weekdays all work", so coverage is decided from its data:
 * a year counts when it lists 1 October as a holiday and at least one Spring Festival holiday in
 * that year. Every arrangement since 1999 has both, while the spill-over of a later notice (the
 * next year's New Year's Day moved into late December, e.g. 2018-12-30) cannot produce them.
 */
const bundledYearSet: ReadonlySet<number> = (() => {
  const springFestivalYears = new Set<number>();
  const nationalDayYears = new Set<number>();
  for (const [date, entry] of bundledEntries) {
    if (entry.working) continue;
    const year = dayStart(date).year;
    if (entry.nameEn === 'Spring Festival') springFestivalYears.add(year);
    if (date.endsWith('-10-01')) nationalDayYears.add(year);
  }
  return new Set([...nationalDayYears].filter((y) => springFestivalYears.has(y)));
})();

/** Ascending list of the years chinese-days has an arrangement for (2004–2026 in 1.5.7). */
export function bundledYears(): number[] {
  return [...bundledYearSet].sort((a, b) => a - b);
}

export function hasBundledYear(year: number): boolean {
  return bundledYearSet.has(year);
}

/** The chinese-days entry for a date, if its arrangement lists it (holiday or make-up working day). */
export function bundledEntry(date: IsoDate): BundledEntry | undefined {
  return bundledEntries.get(date);
}

/** A JS Date whose local fields are year/month/day: the only input form chinese-days reads the same on every host. */
function localFieldsDate(year: number, month: number, day: number): Date {
  return DateTime.fromObject({ year, month, day }, { zone: 'system' }).toJSDate();
}

/**
 * The Gregorian date of lunar `month`/`day` (the regular month, not a leap month of the same
 * number) of lunar year `lunarYear`.
 */
export function solarDateOfLunar(lunarYear: number, month: number, day: number): IsoDate {
  const { date } = chineseDays.getSolarDateFromLunar(localFieldsDate(lunarYear, month, day));
  return parseIsoDate(date, 'chinese-days getSolarDateFromLunar');
}

/**
 * The day of `term` in `month` of `year`. getSolarTermDate formats the host-local date of the
 * term's UTC midnight; on hosts west of UTC that is the day before. The local date of a day's UTC
 * midnight equals the day exactly when the host is not behind UTC at that instant, which is
 * checked (with luxon's system zone) and undone.
 */
export function solarTermDate(year: number, month: number, term: SolarTermKey): IsoDate {
  const reported = parseIsoDate(chineseDays.getSolarTermDate(year, month, term), 'chinese-days getSolarTermDate');
  const utcMidnight = DateTime.fromISO(reported, { zone: 'utc' });
  const hostShifted = utcMidnight.setZone('system').toISODate() !== reported;
  const date = hostShifted ? isoDateOf(dayStart(reported).plus({ days: 1 })) : reported;
  if (dayStart(date).year !== year || dayStart(date).month !== month) {
    throw new Error(`internal: chinese-days put solar term ${term} of ${year} on ${date}, outside month ${month}`);
  }
  return date;
}
