import {
  MAX_SUPPORTED_YEAR,
  MIN_SUPPORTED_YEAR,
  bundledEntry,
  hasBundledYear,
  solarDateOfLunar,
  solarTermDate,
} from './chinese-days.js';
import { type IsoDate, dayStart, isWeekend, parseIsoDate, plusDays, yearOf } from './dates.js';
import { CalendarInputError } from './errors.js';
import {
  type HolidayDayRule,
  type HolidayRegulation,
  NATIONAL_HOLIDAYS_REGULATION,
  canonicalHolidayName,
} from './regulation.js';

/** One year's official State Council arrangement (国务院办公厅关于节假日安排的通知), as an admin loads it. */
export interface YearArrangement {
  year: number;
  /** Days off (法定节假日 + 调休休息日). A notice may place days in the neighbouring year (e.g. New Year's Day from 30 December). */
  holidays: { date: IsoDate; name: string }[];
  /** Make-up working days (调休上班日), usually weekends. */
  workdays: { date: IsoDate; name: string }[];
  /** e.g. 国办发明电〔2025〕7号 */
  source?: string;
}

export type DayReason = 'weekend' | 'holiday' | 'makeupWorkday' | 'workday';

/** Where a year's days come from, in order of precedence. */
export type DaySource = 'loaded' | 'bundled' | 'fallback';

export interface DayInfo {
  date: IsoDate;
  working: boolean;
  reason: DayReason;
  /** Chinese holiday name (canonical: 国庆节, 清明节...) for holidays and make-up working days. */
  name?: string;
  /** English holiday name (National Day, Qingming Festival...), set with `name`. */
  nameEn?: string;
  /** True when the day was decided by the fallback (the year has no published arrangement). */
  provisional: boolean;
  /** Which source decided the day. */
  source: DaySource;
}

export interface Calendar {
  /** The working-day status of a date, Asia/Shanghai. provisional=true when its year has no published arrangement. */
  info(date: IsoDate): DayInfo;
  /** True when the year's State Council arrangement is known (loaded or bundled). */
  hasArrangement(year: number): boolean;
  source(year: number): DaySource;
}

/** A day an arrangement or the regulation names: a holiday or a make-up working day. */
export interface ListedDay {
  working: boolean;
  name: string;
  nameEn: string;
}

interface LoadedDay extends ListedDay {
  arrangementYear: number;
}

/**
 * A calendar over: the arrangements an admin loaded (they win for their year, and for every date
 * they list, including spill-over dates in a neighbouring year), then the arrangements bundled in
 * chinese-days, then the fallback: weekends plus the statutory holidays of `regulation`,
 * provisional.
 */
export function createCalendar(
  loaded: YearArrangement[] = [],
  regulation: HolidayRegulation = NATIONAL_HOLIDAYS_REGULATION,
): Calendar {
  const { years: loadedYears, days: loadedDays } = indexLoaded(loaded, regulation);
  const fallbackTables = new Map<number, ReadonlyMap<IsoDate, ListedDay>>();
  const cache = new Map<IsoDate, DayInfo>();

  const source = (year: number): DaySource => {
    if (!Number.isInteger(year)) throw new CalendarInputError('year', `expected an integer year, got ${String(year)}`);
    if (loadedYears.has(year)) return 'loaded';
    if (hasBundledYear(year)) return 'bundled';
    return 'fallback';
  };

  const fallbackTable = (year: number): ReadonlyMap<IsoDate, ListedDay> => {
    let table = fallbackTables.get(year);
    if (!table) {
      table = statutoryHolidays(year, regulation);
      fallbackTables.set(year, table);
    }
    return table;
  };

  const compute = (date: IsoDate): DayInfo => {
    const year = yearOf(date);
    if (year < MIN_SUPPORTED_YEAR || year > MAX_SUPPORTED_YEAR) {
      throw new CalendarInputError('date', `${date} is outside the supported years ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}`);
    }
    const listedByAdmin = loadedDays.get(date);
    if (listedByAdmin) return listedInfo(date, listedByAdmin, 'loaded');

    const src = source(year);
    if (src === 'bundled') {
      const entry = bundledEntry(date);
      if (entry) return listedInfo(date, { working: entry.working, ...canonicalHolidayName(entry.name, entry.nameEn, regulation) }, src);
    } else if (src === 'fallback') {
      if (date < regulation.inForceFrom) {
        throw new CalendarInputError(
          'date',
          `no holiday arrangement for ${year} is loaded or bundled, and the fallback (${regulation.title}) only applies from ${regulation.inForceFrom}`,
        );
      }
      const statutory = fallbackTable(year).get(date);
      if (statutory) return listedInfo(date, statutory, src);
    }
    return plainInfo(date, src);
  };

  return {
    info(date: IsoDate): DayInfo {
      const valid = parseIsoDate(date, 'date');
      let info = cache.get(valid);
      if (!info) {
        info = Object.freeze(compute(valid));
        cache.set(valid, info);
      }
      return info;
    },
    hasArrangement(year: number): boolean {
      return source(year) !== 'fallback';
    },
    source,
  };
}

function listedInfo(date: IsoDate, day: ListedDay, source: DaySource): DayInfo {
  return {
    date,
    working: day.working,
    reason: day.working ? 'makeupWorkday' : 'holiday',
    name: day.name,
    nameEn: day.nameEn,
    provisional: source === 'fallback',
    source,
  };
}

function plainInfo(date: IsoDate, source: DaySource): DayInfo {
  const weekend = isWeekend(date);
  return { date, working: !weekend, reason: weekend ? 'weekend' : 'workday', provisional: source === 'fallback', source };
}

/** The statutory holidays of `regulation` in `year`, by date (the fallback for a year without an arrangement). */
export function statutoryHolidays(
  year: number,
  regulation: HolidayRegulation = NATIONAL_HOLIDAYS_REGULATION,
): ReadonlyMap<IsoDate, ListedDay> {
  const table = new Map<IsoDate, ListedDay>();
  for (const holiday of regulation.holidays) {
    for (const rule of holiday.days) {
      const date = resolveHolidayDay(year, rule);
      const existing = table.get(date);
      // Two holidays on one day (Mid-Autumn on 1 October, as in 2020): one day off, both names.
      table.set(date, existing
        ? { working: false, name: `${existing.name}、${holiday.name}`, nameEn: `${existing.nameEn} / ${holiday.nameEn}` }
        : { working: false, name: holiday.name, nameEn: holiday.nameEn });
    }
  }
  return new Map([...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function resolveHolidayDay(year: number, rule: HolidayDayRule): IsoDate {
  switch (rule.kind) {
    case 'gregorian': {
      const dt = dayStart(`${year}-01-01`).set({ month: rule.month, day: rule.day });
      if (dt.month !== rule.month || dt.day !== rule.day) throw new Error(`internal: no ${rule.month}/${rule.day} in ${year}`);
      return dt.toISODate();
    }
    case 'lunar':
      return solarDateOfLunar(year, rule.month, rule.day);
    case 'lunarNewYearsEve':
      return plusDays(solarDateOfLunar(year, 1, 1), -1);
    case 'solarTerm':
      return solarTermDate(year, rule.month, rule.term);
  }
}

function indexLoaded(
  loaded: YearArrangement[],
  regulation: HolidayRegulation,
): { years: ReadonlySet<number>; days: ReadonlyMap<IsoDate, LoadedDay> } {
  if (!Array.isArray(loaded)) throw new CalendarInputError('loaded', 'expected an array of year arrangements');
  const years = new Set<number>();
  const days = new Map<IsoDate, LoadedDay>();
  loaded.forEach((arrangement, i) => {
    const at = `loaded[${i}]`;
    if (typeof arrangement !== 'object' || arrangement === null) throw new CalendarInputError(at, 'expected an object');
    const { year } = arrangement;
    if (!Number.isInteger(year) || year < MIN_SUPPORTED_YEAR || year > MAX_SUPPORTED_YEAR) {
      throw new CalendarInputError(`${at}.year`, `expected an integer year in ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}, got ${String(year)}`);
    }
    if (years.has(year)) throw new CalendarInputError(`${at}.year`, `${year} is loaded twice`);
    years.add(year);

    const own = new Map<IsoDate, string>();
    for (const list of ['holidays', 'workdays'] as const) {
      const entries: unknown = arrangement[list];
      if (!Array.isArray(entries)) throw new CalendarInputError(`${at}.${list}`, 'expected an array');
      entries.forEach((entry: unknown, j) => {
        const path = `${at}.${list}[${j}]`;
        if (typeof entry !== 'object' || entry === null) throw new CalendarInputError(path, 'expected { date, name }');
        const { date: rawDate, name } = entry as { date?: unknown; name?: unknown };
        const date = parseIsoDate(rawDate as string, `${path}.date`);
        const dateYear = yearOf(date);
        if (Math.abs(dateYear - year) > 1) {
          throw new CalendarInputError(`${path}.date`, `${date} is too far from the arrangement's year ${year}`);
        }
        if (typeof name !== 'string' || name.trim() === '') throw new CalendarInputError(`${path}.name`, 'expected a non-empty name');
        const previous = own.get(date);
        if (previous) throw new CalendarInputError(`${path}.date`, `${date} is already listed in ${previous}`);
        own.set(date, path);
        // A later year's notice decides its spill-over days (e.g. 30 December): it wins a conflict.
        const current = days.get(date);
        if (!current || current.arrangementYear < year) {
          days.set(date, { working: list === 'workdays', ...canonicalHolidayName(name, undefined, regulation), arrangementYear: year });
        }
      });
    }
  });
  return { years, days };
}
