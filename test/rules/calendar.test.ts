import { describe, it, expect } from 'vitest';
import {
  CalendarInputError,
  addWorkingDays,
  bundledYears,
  computeDeadline,
  createCalendar,
  parseIsoDate,
  shanghaiDate,
  statutoryHolidays,
  type Calendar,
  type DeadlineSpec,
  type IsoDate,
  type YearArrangement,
} from '../../rules/calendar/index.js';

const cal = createCalendar();

/** The field named by the CalendarInputError that `fn` throws (fails the test if it throws anything else). */
function inputErrorField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CalendarInputError) return error.field;
    throw error;
  }
  return undefined;
}

function dates(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = shiftDays(d, 1)) out.push(d);
  return out;
}

/** Calendar-day arithmetic through the module's own calendarDays offset (tested separately). */
function shiftDays(d: IsoDate, days: number): IsoDate {
  return computeDeadline(cal, { name: 'shift', rule: 'test', from: d, offset: { calendarDays: days }, time: 'startOfDay' }).date;
}

/** Lunar month/day of a date according to ICU's Chinese calendar: an oracle independent of chinese-days. */
function icuLunar(date: IsoDate): { month: string; day: string } {
  const parts = new Intl.DateTimeFormat('en-u-ca-chinese', { timeZone: 'UTC', month: 'numeric', day: 'numeric' })
    .formatToParts(new Date(`${date}T00:00:00Z`));
  return {
    month: parts.find((p) => p.type === 'month')?.value ?? '',
    day: parts.find((p) => p.type === 'day')?.value ?? '',
  };
}

const lastBundledYear = Math.max(...bundledYears());

describe('calendar sources', () => {
  it('chinese-days 1.5.7 carries the State Council arrangements 2004–2026, no later', () => {
    expect(bundledYears()[0]).toBe(2004);
    expect(lastBundledYear).toBeGreaterThanOrEqual(2026);
    expect(cal.source(2026)).toBe('bundled');
    expect(cal.hasArrangement(2026)).toBe(true);
    expect(cal.source(lastBundledYear + 1)).toBe('fallback');
    expect(cal.hasArrangement(lastBundledYear + 1)).toBe(false);
  });

  it('a year beyond the bundled data is not read as "all working days": 1 October is a provisional holiday', () => {
    const info = cal.info(`${lastBundledYear + 1}-10-01`);
    expect(info).toMatchObject({ working: false, reason: 'holiday', name: '国庆节', provisional: true, source: 'fallback' });
  });

  it('the bundled 2026 arrangement is the State Council notice of 2025-11-04 (make-up days and holiday bounds)', () => {
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(cal.info(d), d).toMatchObject({ working: true, reason: 'makeupWorkday', provisional: false });
    }
    for (const d of [...dates('2026-02-15', '2026-02-23'), ...dates('2026-10-01', '2026-10-07'), '2026-01-01', '2026-06-19', '2026-09-25']) {
      expect(cal.info(d), d).toMatchObject({ working: false, reason: 'holiday', provisional: false, source: 'bundled' });
    }
    expect(cal.info('2026-02-24')).toMatchObject({ working: true, reason: 'workday' });
    expect(cal.info('2026-10-08')).toMatchObject({ working: true, reason: 'workday' });
  });

  it('plain days: a Saturday is a weekend, a Tuesday a workday, neither named', () => {
    expect(cal.info('2026-03-07')).toEqual({ date: '2026-03-07', working: false, reason: 'weekend', provisional: false, source: 'bundled' });
    expect(cal.info('2026-03-10')).toEqual({ date: '2026-03-10', working: true, reason: 'workday', provisional: false, source: 'bundled' });
  });
});

describe('R7.4 notice period: working days', () => {
  it('R7.4 a notice published 2026-09-28 runs 5 working days to 2026-10-10, skipping National Day and counting the make-up Saturday', () => {
    const r = addWorkingDays(cal, '2026-09-28', 5);
    expect(r.from).toBe('2026-09-28');
    expect(r.count).toBe(5);
    expect(r.days).toEqual(['2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10']);
    expect(r.end).toBe('2026-10-10');
    expect(r.skipped.map((s) => s.date)).toEqual(dates('2026-10-01', '2026-10-07'));
    expect(r.skipped.every((s) => s.reason.startsWith('holiday: 国庆节'))).toBe(true);
    expect(r.skipped.find((s) => s.date === '2026-10-03')?.reason).toBe('holiday: 国庆节 (weekend)');
    expect(r.makeupWorkdays).toEqual(['2026-10-10']);
    expect(r.provisional).toBe(false);
  });

  it('R7.4 the notice deadline is 24:00 Shanghai of the last day, explained in one sentence', () => {
    const d = computeDeadline(cal, { name: 'noticeEnds', rule: 'R7.4', from: '2026-09-28T02:00:00Z', offset: { workingDays: 5 }, time: 'endOfDay' });
    expect(d.at).toBe('2026-10-10T15:59:59.999Z');
    expect(d.date).toBe('2026-10-10');
    expect(d.provisional).toBe(false);
    expect(d.explanation.start).toBe('2026-09-28');
    expect(d.explanation.offset).toEqual({ workingDays: 5 });
    expect(d.explanation.skipped).toHaveLength(7);
    expect(d.explanation.text).toBe(
      '5 working days after 2026-09-28 (R7.4): ends 2026-10-10 (end of day, Asia/Shanghai); ' +
        'skipped 2026-10-01 to 2026-10-07 (holiday: National Day); 2026-10-10 (National Day) is a make-up working day.',
    );
  });

  it('R7.4 a make-up Sunday counts as a working day (2026-09-20)', () => {
    const r = addWorkingDays(cal, '2026-09-18', 1);
    expect(r.days).toEqual(['2026-09-20']);
    expect(r.skipped).toEqual([{ date: '2026-09-19', reason: 'weekend' }]);
    expect(r.makeupWorkdays).toEqual(['2026-09-20']);
  });

  it('R7.4 Spring Festival 2026: the make-up Saturday counts, 2026-02-15..23 are skipped', () => {
    const r = addWorkingDays(cal, '2026-02-13', 3);
    expect(r.days).toEqual(['2026-02-14', '2026-02-24', '2026-02-25']);
    expect(r.skipped.map((s) => s.date)).toEqual(dates('2026-02-15', '2026-02-23'));
    expect(r.skipped.every((s) => s.reason.startsWith('holiday: 春节'))).toBe(true);
    expect(r.makeupWorkdays).toEqual(['2026-02-14']);
  });

  it('count 0 ends on the start day and examines nothing', () => {
    expect(addWorkingDays(cal, '2026-10-03', 0)).toEqual({
      from: '2026-10-03', count: 0, end: '2026-10-03', provisional: false, days: [], skipped: [], makeupWorkdays: [],
    });
  });
});

describe('negative counts (reminders before a due date)', () => {
  it('2 working days before 2026-10-08 are 2026-09-30 and 2026-09-29, National Day skipped backwards', () => {
    const r = addWorkingDays(cal, '2026-10-08', -2);
    expect(r.days).toEqual(['2026-09-30', '2026-09-29']);
    expect(r.end).toBe('2026-09-29');
    expect(r.skipped.map((s) => s.date)).toEqual(dates('2026-10-01', '2026-10-07').reverse());
  });

  it('2 working days before the make-up Saturday 2026-10-10 are 2026-10-09 and 2026-10-08', () => {
    expect(addWorkingDays(cal, '2026-10-10', -2).days).toEqual(['2026-10-09', '2026-10-08']);
  });

  it('a reminder deadline 2 working days before, at 09:00 Shanghai', () => {
    const d = computeDeadline(cal, { name: 'reminderDue', rule: 'R7.4', from: '2026-10-08', offset: { workingDays: -2 }, time: { hour: 9 } });
    expect(d.date).toBe('2026-09-29');
    expect(d.at).toBe('2026-09-29T01:00:00.000Z');
    expect(d.explanation.text).toMatch(/^2 working days before 2026-10-08 \(R7\.4\): ends 2026-09-29 \(09:00, Asia\/Shanghai\); skipped 2026-10-01 to 2026-10-07/);
  });
});

describe('fallback: years without a published arrangement (rules.md "Time")', () => {
  const year = 2031;
  const fallbackDays = statutoryHolidays(year);

  it('2031 is beyond chinese-days and falls back', () => {
    expect(cal.source(year)).toBe('fallback');
  });

  it('Spring Festival 2031 is the lunar year\'s last day plus the 1st–3rd of the first month (2031-01-22..25), checked against ICU', () => {
    const spring = [...fallbackDays].filter(([, d]) => d.name === '春节').map(([date]) => date);
    expect(spring).toEqual(['2031-01-22', '2031-01-23', '2031-01-24', '2031-01-25']);
    expect(icuLunar('2031-01-22').month).toBe('12');
    expect(icuLunar('2031-01-23')).toMatchObject({ month: '1', day: '1' });
    expect(icuLunar('2031-01-25')).toMatchObject({ month: '1', day: '3' });
    expect(icuLunar('2031-01-23')).not.toEqual(icuLunar('2031-01-22'));
  });

  it('Qingming 2031 is the day of the Qingming solar term, 2031-04-05; Dragon Boat and Mid-Autumn from lunar dates', () => {
    expect(fallbackDays.get('2031-04-05')?.name).toBe('清明节');
    expect(fallbackDays.get('2031-06-24')?.name).toBe('端午节');
    expect(icuLunar('2031-06-24')).toEqual({ month: '5', day: '5' });
    // Mid-Autumn 2031 falls on National Day: one day off with both names.
    expect(fallbackDays.get('2031-10-01')?.name).toBe('中秋节、国庆节');
    expect(icuLunar('2031-10-01')).toEqual({ month: '8', day: '15' });
  });

  it('the fallback days are exactly the statutory holidays, every one provisional', () => {
    expect([...fallbackDays.keys()]).toEqual([
      '2031-01-01', '2031-01-22', '2031-01-23', '2031-01-24', '2031-01-25', '2031-04-05',
      '2031-05-01', '2031-05-02', '2031-06-24', '2031-10-01', '2031-10-02', '2031-10-03',
    ]);
    for (const d of fallbackDays.keys()) {
      expect(cal.info(d), d).toMatchObject({ working: false, reason: 'holiday', provisional: true, source: 'fallback' });
    }
    expect(cal.info('2031-01-21')).toMatchObject({ working: true, reason: 'workday', provisional: true });
    expect(cal.info('2031-01-26')).toMatchObject({ working: false, reason: 'weekend', provisional: true });
  });

  it('Spring Festival 2027–2035 is the eve plus the first 3 days of the lunar year (Hong Kong Observatory new-year dates)', () => {
    // ICU's Chinese calendar (Intl) disagrees for 2027 and 2030, whose new moons fall minutes
    // either side of midnight Beijing time; the observatory tables agree with chinese-days.
    const lunarNewYear: Record<number, IsoDate> = {
      2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-03', 2031: '2031-01-23',
      2032: '2032-02-11', 2033: '2033-01-31', 2034: '2034-02-19', 2035: '2035-02-08',
    };
    for (const [y, newYear] of Object.entries(lunarNewYear)) {
      const spring = [...statutoryHolidays(Number(y))].filter(([, d]) => d.name === '春节').map(([date]) => date);
      expect(spring, y).toEqual([shiftDays(newYear, -1), newYear, shiftDays(newYear, 1), shiftDays(newYear, 2)]);
    }
  });

  it('Dragon Boat and Mid-Autumn 2027–2035 fall on 5/5 and 8/15 (ICU oracle)', () => {
    for (let y = 2027; y <= 2035; y++) {
      const byName = (name: string) => [...statutoryHolidays(y)].filter(([, d]) => d.name.includes(name)).map(([date]) => date);
      expect(byName('端午节').map(icuLunar), `${y} dragon boat`).toEqual([{ month: '5', day: '5' }]);
      expect(byName('中秋节').map(icuLunar), `${y} mid-autumn`).toEqual([{ month: '8', day: '15' }]);
    }
  });

  it('the fallback rules reproduce the statutory days of the official 2025 and 2026 arrangements', () => {
    for (const y of [2025, 2026]) {
      for (const [d, holiday] of statutoryHolidays(y)) {
        expect(cal.info(d), `${d} ${holiday.name}`).toMatchObject({ working: false, reason: 'holiday', source: 'bundled' });
      }
    }
  });

  it('a deadline that counts through a fallback year is provisional and says so', () => {
    const d = computeDeadline(cal, { name: 'noticeEnds', rule: 'R7.4', from: '2031-01-20', offset: { workingDays: 5 }, time: 'endOfDay' });
    expect(d.date).toBe('2031-01-30');
    expect(d.provisional).toBe(true);
    expect(d.explanation.skipped.map((s) => s.date)).toEqual(dates('2031-01-22', '2031-01-26'));
    expect(d.explanation.text).toContain('skipped 2031-01-22 to 2031-01-25 (holiday: Spring Festival), 2031-01-26 (weekend)');
    expect(d.explanation.text).toContain('provisional: no State Council holiday arrangement is published for 2031');
  });

  it('the fallback is not applied before the regulation is in force: a year before chinese-days\' data throws', () => {
    expect(inputErrorField(() => cal.info('2003-05-06'))).toBe('date');
  });
});

describe('arrangements loaded by an admin', () => {
  const arrangement2031: YearArrangement = {
    year: 2031,
    source: 'hypothetical notice for the test',
    holidays: dates('2031-01-22', '2031-01-28').map((date) => ({ date, name: '春节' })),
    workdays: [{ date: '2031-02-08', name: '春节' }],
  };
  const loaded = createCalendar([arrangement2031]);

  it('a loaded arrangement overrides the fallback and makes its year non-provisional', () => {
    expect(loaded.source(2031)).toBe('loaded');
    expect(loaded.hasArrangement(2031)).toBe(true);
    expect(loaded.info('2031-01-27')).toMatchObject({ working: false, reason: 'holiday', name: '春节', nameEn: 'Spring Festival', provisional: false, source: 'loaded' });
    expect(loaded.info('2031-02-08')).toMatchObject({ working: true, reason: 'makeupWorkday', provisional: false });
    // Not in the notice: an ordinary day, even where the fallback would see Qingming.
    expect(loaded.info('2031-04-05')).toMatchObject({ working: false, reason: 'weekend', provisional: false });
    const r = addWorkingDays(loaded, '2031-01-21', 3);
    expect(r.days).toEqual(['2031-01-29', '2031-01-30', '2031-01-31']);
    expect(r.provisional).toBe(false);
  });

  it('a provisional deadline recomputed from its spec once the year is loaded is final', () => {
    const before = computeDeadline(cal, { name: 'noticeEnds', rule: 'R7.4', from: '2031-01-21', offset: { workingDays: 3 }, time: 'endOfDay' });
    expect(before).toMatchObject({ date: '2031-01-29', provisional: true });
    const after = computeDeadline(loaded, before.spec);
    expect(after).toMatchObject({ date: '2031-01-31', provisional: false, spec: before.spec });
  });

  it('the same count over the fallback differs and is provisional (recompute when loaded)', () => {
    const r = addWorkingDays(cal, '2031-01-21', 3);
    expect(r.days).toEqual(['2031-01-27', '2031-01-28', '2031-01-29']);
    expect(r.provisional).toBe(true);
  });

  it('a loaded arrangement wins over the bundled one for its year', () => {
    const corrected = createCalendar([{ year: 2026, holidays: [{ date: '2026-10-08', name: '国庆节' }], workdays: [] }]);
    expect(corrected.source(2026)).toBe('loaded');
    expect(corrected.info('2026-10-08')).toMatchObject({ working: false, reason: 'holiday', source: 'loaded' });
    expect(corrected.info('2026-10-10')).toMatchObject({ working: false, reason: 'weekend' });
  });

  it('a notice\'s days in the previous year (New Year from 31 December) apply while that year still falls back', () => {
    const withSpill = createCalendar([{ year: 2032, holidays: [{ date: '2031-12-31', name: '元旦' }, { date: '2032-01-01', name: '元旦' }], workdays: [] }]);
    expect(withSpill.info('2031-12-31')).toMatchObject({ working: false, reason: 'holiday', name: '元旦', provisional: false, source: 'loaded' });
    expect(withSpill.info('2031-12-30')).toMatchObject({ working: true, provisional: true, source: 'fallback' });
  });

  it('rejects malformed arrangements, naming the field', () => {
    const bad = (a: unknown[]) => inputErrorField(() => createCalendar(a as YearArrangement[]));
    expect(bad([{ year: 2031.5, holidays: [], workdays: [] }])).toBe('loaded[0].year');
    expect(bad([arrangement2031, { ...arrangement2031 }])).toBe('loaded[1].year');
    expect(bad([{ year: 2031, holidays: [{ date: '2031-02-30', name: '春节' }], workdays: [] }])).toBe('loaded[0].holidays[0].date');
    expect(bad([{ year: 2031, holidays: [{ date: '2031-02-03', name: '' }], workdays: [] }])).toBe('loaded[0].holidays[0].name');
    expect(bad([{ year: 2031, holidays: [], workdays: [{ date: '2035-01-01', name: 'x' }] }])).toBe('loaded[0].workdays[0].date');
    expect(bad([{ year: 2031, holidays: [{ date: '2031-02-08', name: 'a' }], workdays: [{ date: '2031-02-08', name: 'a' }] }])).toBe('loaded[0].workdays[0].date');
    expect(bad([{ year: 2031, holidays: 'none', workdays: [] }])).toBe('loaded[0].holidays');
  });
});

describe('R5.2 / R9 validity and renewal: calendar arithmetic', () => {
  it('R5.2 expiry = publication 2026-10-12 + 3 years − 1 day = 2029-10-11, end of day Shanghai', () => {
    const d = computeDeadline(cal, { name: 'expiry', rule: 'R5.2', from: '2026-10-12', offset: { years: 3, days: -1 }, time: 'endOfDay' });
    expect(d.date).toBe('2029-10-11');
    expect(d.at).toBe('2029-10-11T15:59:59.999Z');
    expect(d.provisional).toBe(false);
    expect(d.explanation.text).toBe('3 years minus 1 day after 2026-10-12 (R5.2): ends 2029-10-11 (end of day, Asia/Shanghai).');
  });

  it('R9.1 renewal deadline = expiry 2029-05-31 − 3 calendar months, clamped to 2029-02-28', () => {
    const d = computeDeadline(cal, { name: 'renewalDue', rule: 'R9.1', from: '2029-05-31', offset: { calendarMonths: -3 }, time: 'endOfDay' });
    expect(d.date).toBe('2029-02-28');
    expect(d.at).toBe('2029-02-28T15:59:59.999Z');
    expect(d.explanation.text).toContain('2029-02 has no day 31');
  });

  it('R9 calendar offsets do not consult the holiday calendar, so they are never provisional', () => {
    const d = computeDeadline(cal, { name: 'expiry', rule: 'R5.2', from: '2031-10-12', offset: { years: 3, days: -1 }, time: 'endOfDay' });
    expect(d).toMatchObject({ date: '2034-10-11', provisional: false });
  });

  it('R9 reminder 3 months + 14 days before expiry via calendar days', () => {
    const renewal = computeDeadline(cal, { name: 'r', rule: 'R9', from: '2029-10-11', offset: { calendarMonths: -3 }, time: 'startOfDay' });
    const reminder = computeDeadline(cal, { name: 'reminderDue', rule: 'R9', from: renewal.date, offset: { calendarDays: -14 }, time: 'startOfDay' });
    expect(renewal.date).toBe('2029-07-11');
    expect(reminder.date).toBe('2029-06-27');
    expect(reminder.at).toBe('2029-06-26T16:00:00.000Z');
  });
});

describe('instants and time zone', () => {
  it('endOfDay / startOfDay / hour:minute are Shanghai wall-clock instants, printed in UTC with Z and milliseconds', () => {
    const spec = (time: DeadlineSpec['time']): DeadlineSpec => ({ name: 'x', rule: 'R7.4', from: '2026-10-10', offset: { calendarDays: 0 }, time });
    expect(computeDeadline(cal, spec('endOfDay')).at).toBe('2026-10-10T15:59:59.999Z');
    expect(computeDeadline(cal, spec('startOfDay')).at).toBe('2026-10-09T16:00:00.000Z');
    expect(computeDeadline(cal, spec({ hour: 17, minute: 30 })).at).toBe('2026-10-10T09:30:00.000Z');
  });

  it('an instant start is read as its Shanghai day', () => {
    expect(shanghaiDate('2026-09-27T16:30:00Z')).toBe('2026-09-28');
    expect(shanghaiDate('2026-09-28T23:59:59.999+08:00')).toBe('2026-09-28');
    expect(shanghaiDate('2026-09-28T00:30:00-05:00')).toBe('2026-09-28');
    const d = computeDeadline(cal, { name: 'x', rule: 'R7.4', from: '2026-09-27T16:30:00Z', offset: { workingDays: 5 }, time: 'endOfDay' });
    expect(d.explanation.start).toBe('2026-09-28');
    expect(d.date).toBe('2026-10-10');
  });

  it('results do not depend on the host time zone (chinese-days\' own tables shift a day west of UTC)', () => {
    const snapshot = (c: Calendar) => ({
      notice: addWorkingDays(c, '2026-09-28', 5),
      fallback: [...statutoryHolidays(2031)],
      qingming2031: c.info('2031-04-05'),
    });
    const original = process.env.TZ;
    const results: unknown[] = [];
    try {
      for (const tz of ['America/Los_Angeles', 'UTC', 'Asia/Shanghai', 'Pacific/Kiritimati', 'America/Sao_Paulo']) {
        process.env.TZ = tz;
        results.push(snapshot(createCalendar()));
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
    for (const r of results) expect(r).toEqual(results[0]);
    expect((results[0] as ReturnType<typeof snapshot>).notice.end).toBe('2026-10-10');
  });
});

describe('input validation: CalendarInputError names the field', () => {
  const good: DeadlineSpec = { name: 'x', rule: 'R7.4', from: '2026-09-28', offset: { workingDays: 5 }, time: 'endOfDay' };
  const deadline = (patch: Record<string, unknown>) => () => computeDeadline(cal, { ...good, ...patch } as DeadlineSpec);

  it.each([
    ['parseIsoDate: impossible day', () => parseIsoDate('2026-02-30'), 'date'],
    ['parseIsoDate: not zero-padded', () => parseIsoDate('2026-2-3'), 'date'],
    ['parseIsoDate: month 13', () => parseIsoDate('2026-13-01'), 'date'],
    ['parseIsoDate: an instant', () => parseIsoDate('2026-02-03T00:00:00Z'), 'date'],
    ['parseIsoDate: not a string', () => parseIsoDate(20260203 as unknown as string), 'date'],
    ['shanghaiDate: no offset', () => shanghaiDate('2026-09-28T10:00:00'), 'instant'],
    ['shanghaiDate: a date', () => shanghaiDate('2026-09-28'), 'instant'],
    ['info: bad date', () => cal.info('2026-02-29'), 'date'],
    ['source: non-integer year', () => cal.source(2026.5), 'year'],
    ['addWorkingDays: bad from', () => addWorkingDays(cal, '28/09/2026', 1), 'from'],
    ['addWorkingDays: fractional count', () => addWorkingDays(cal, '2026-09-28', 1.5), 'count'],
    ['addWorkingDays: NaN count', () => addWorkingDays(cal, '2026-09-28', Number.NaN), 'count'],
    ['addWorkingDays: count too large', () => addWorkingDays(cal, '2026-09-28', 3661), 'count'],
    ['addWorkingDays: count too small', () => addWorkingDays(cal, '2026-09-28', -3661), 'count'],
    ['computeDeadline: empty name', deadline({ name: '' }), 'name'],
    ['computeDeadline: missing rule', deadline({ rule: undefined }), 'rule'],
    ['computeDeadline: bad from date', deadline({ from: '2026-09-31' }), 'from'],
    ['computeDeadline: from instant without offset', deadline({ from: '2026-09-28T10:00:00' }), 'from'],
    ['computeDeadline: fractional working days', deadline({ offset: { workingDays: 2.5 } }), 'offset.workingDays'],
    ['computeDeadline: too many working days', deadline({ offset: { workingDays: 5000 } }), 'offset.workingDays'],
    ['computeDeadline: two offset kinds', deadline({ offset: { workingDays: 1, calendarDays: 1 } }), 'offset'],
    ['computeDeadline: unknown offset', deadline({ offset: { weeks: 1 } }), 'offset'],
    ['computeDeadline: fractional months', deadline({ offset: { calendarMonths: 0.5 } }), 'offset.calendarMonths'],
    ['computeDeadline: string days', deadline({ offset: { years: 3, days: '-1' } }), 'offset.days'],
    ['computeDeadline: hour 24', deadline({ time: { hour: 24 } }), 'time.hour'],
    ['computeDeadline: minute 60', deadline({ time: { hour: 9, minute: 60 } }), 'time.minute'],
    ['computeDeadline: unknown time', deadline({ time: 'noon' }), 'time'],
  ] as const)('%s', (_label, fn, field) => {
    expect(fn).toThrow(CalendarInputError);
    expect(inputErrorField(fn)).toBe(field);
  });
});
