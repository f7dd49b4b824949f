import { describe, it, expect } from 'vitest';
import { Value } from 'typebox/value';
import { CalendarInputError, createCalendar, type IsoDate } from '../../rules/calendar/index.js';
import { barUntil } from '../../rules/selection/index.js';
import {
  AnnualReportSchema,
  ListingInputError,
  annualReportDueDate,
  annualReportSchedule,
  barApplies,
  checkAnnualReport,
  forfeitureOf,
  listingPolicy,
  reapplicationBar,
  renewalDeadline,
  renewalReminders,
  renewedPeriod,
  validityPeriod,
  type AnnualReport,
  type ForfeitureInput,
  type ListingEndReason,
} from '../../rules/listing/index.js';

const cal = createCalendar();

/** The field named by the ListingInputError or CalendarInputError that `fn` throws (fails the test if it throws anything else). */
function inputErrorField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ListingInputError || error instanceof CalendarInputError) return error.field;
    throw error;
  }
  return undefined;
}

/** The UTC instant of 09:00 Asia/Shanghai on `date`. */
const nineAm = (date: IsoDate) => `${date}T01:00:00.000Z`;

// ---------------------------------------------------------------------------------------------
// R5.2 / R9.1 validity periods
// ---------------------------------------------------------------------------------------------

describe('R5.2 / R9.1 validity periods', () => {
  it('R5.2 a listing published 2026-10-12 is valid through 2029-10-11, expiring at 24:00 Shanghai', () => {
    expect(validityPeriod('2026-10-12')).toEqual({
      period: 1,
      validFrom: '2026-10-12',
      validUntil: '2029-10-11',
      expiresAt: '2029-10-11T15:59:59.999Z',
    });
  });

  it('R5.2 a listing published on 29 February: + 3 years clamps to 28 February, − 1 day gives 2031-02-27', () => {
    expect(validityPeriod('2028-02-29')).toEqual({
      period: 1,
      validFrom: '2028-02-29',
      validUntil: '2031-02-27',
      expiresAt: '2031-02-27T15:59:59.999Z',
    });
  });

  it('R9.1 a renewed period starts the day after the previous one ends and carries the next number', () => {
    const first = validityPeriod('2026-10-12');
    const second = renewedPeriod(first.validUntil, 2);
    const third = renewedPeriod(second.validUntil, 3);
    expect(second).toEqual({ period: 2, validFrom: '2029-10-12', validUntil: '2032-10-11', expiresAt: '2032-10-11T15:59:59.999Z' });
    expect(third).toEqual({ period: 3, validFrom: '2032-10-12', validUntil: '2035-10-11', expiresAt: '2035-10-11T15:59:59.999Z' });
  });

  it('R9.1 the period after a 29 February publication starts 2031-02-28, so periods leave no gap', () => {
    expect(renewedPeriod(validityPeriod('2028-02-29').validUntil, 2)).toMatchObject({ period: 2, validFrom: '2031-02-28', validUntil: '2034-02-27' });
  });

  it('R9.1 a renewal that starts on 29 February spans it like any other day', () => {
    expect(renewedPeriod('2028-02-28', 2)).toMatchObject({ validFrom: '2028-02-29', validUntil: '2031-02-27' });
  });

  it('R5.2 / R9.1 rejects bad period numbers and dates, naming the field', () => {
    expect(inputErrorField(() => validityPeriod('2026-10-12', 0))).toBe('period');
    expect(inputErrorField(() => validityPeriod('2026-10-12', 1.5))).toBe('period');
    expect(inputErrorField(() => renewedPeriod('2029-10-11', 1))).toBe('period');
    expect(inputErrorField(() => validityPeriod('2026-02-30'))).toBe('publishedOn');
    expect(inputErrorField(() => renewedPeriod('2029/10/11', 2))).toBe('previousValidUntil');
  });
});

// ---------------------------------------------------------------------------------------------
// R9.1 / R9 Decision renewal deadline and reminders
// ---------------------------------------------------------------------------------------------

describe('R9.1 renewal deadline', () => {
  it('R9.1 expiry 2029-10-11 → renewal due by 24:00 on 2029-07-11, exact (not provisional), explained', () => {
    const d = renewalDeadline('2029-10-11');
    expect(d).toMatchObject({ name: 'renewalDeadline', rule: 'R9.1', date: '2029-07-11', at: '2029-07-11T15:59:59.999Z', provisional: false });
    expect(d.explanation.text).toBe('3 calendar months before 2029-10-11 (R9.1): ends 2029-07-11 (end of day, Asia/Shanghai).');
  });

  it('R9.1 the listing published 2026-10-12 must file its renewal by 2029-07-11', () => {
    expect(renewalDeadline(validityPeriod('2026-10-12').validUntil).date).toBe('2029-07-11');
  });

  it('R9 Decision: expiry 2029-05-31 − 3 calendar months clamps to the month end, 2029-02-28', () => {
    const d = renewalDeadline('2029-05-31');
    expect(d.date).toBe('2029-02-28');
    expect(d.explanation.text).toContain('2029-02 has no day 31, so its last day 2029-02-28 was used');
  });

  it('R9.1 rejects a malformed expiry', () => {
    expect(inputErrorField(() => renewalDeadline('2029-13-01'))).toBe('validUntil');
  });
});

describe('R9 Decision renewal reminders', () => {
  it('R9.1 reminders for expiry 2029-10-11: 2029-04-11, 2029-06-11, 2029-06-27 and 2029-07-11, at 09:00 Shanghai', () => {
    const rs = renewalReminders('2029-10-11');
    expect(rs.map((r) => [r.name, r.date, r.at])).toEqual([
      ['renewalReminder6m', '2029-04-11', nineAm('2029-04-11')],
      ['renewalReminder4m', '2029-06-11', nineAm('2029-06-11')],
      ['renewalReminder3m14d', '2029-06-27', nineAm('2029-06-27')],
      ['renewalDeadlineDay', '2029-07-11', nineAm('2029-07-11')],
    ]);
  });

  it('R9.1 every reminder goes to the institution and its recommender, cites R9.1 and is exact', () => {
    for (const r of renewalReminders('2029-10-11')) {
      expect(r.recipients).toEqual(['institution', 'recommender']);
      expect(r.rule).toBe('R9.1');
      expect(r.provisional).toBe(false);
    }
  });

  it('R9.1 each reminder explains its date as computeDeadline does', () => {
    expect(renewalReminders('2029-10-11').map((r) => r.explanation.text)).toEqual([
      '6 calendar months before 2029-10-11 (R9.1): ends 2029-04-11 (09:00, Asia/Shanghai).',
      '4 calendar months before 2029-10-11 (R9.1): ends 2029-06-11 (09:00, Asia/Shanghai).',
      '14 calendar days before 2029-07-11 (R9.1): ends 2029-06-27 (09:00, Asia/Shanghai).',
      '3 calendar months before 2029-10-11 (R9.1): ends 2029-07-11 (09:00, Asia/Shanghai).',
    ]);
  });

  it('R9.1 each reminder says what is due, by when, and why', () => {
    for (const r of renewalReminders('2029-10-11')) {
      expect(r.purpose).toContain('renewal application');
      expect(r.purpose).toContain('by 24:00 on 2029-07-11');
      expect(r.purpose).toContain('valid until 2029-10-11');
      expect(r.purpose).toContain('(R9.1)');
      expect(r.purpose).toContain('R9.2(c)');
      expect(r.purpose).toContain('R9.3');
    }
    expect(renewalReminders('2029-10-11')[0]?.purpose).toContain('6 months before expiry');
  });

  it('R9 Decision: "3 months + 14 days before expiry" = (expiry − 3 months, clamped) − 14 days, counted from the deadline', () => {
    // 2029-05-31 − 3 months = 2029-02-28 (clamped) − 14 days = 2029-02-14, not 2029-05-17 − 3 months = 2029-02-17.
    const r = renewalReminders('2029-05-31').find((x) => x.name === 'renewalReminder3m14d');
    expect(r).toMatchObject({ date: '2029-02-14', relativeTo: 'renewalDeadline', spec: { from: '2029-02-28', offset: { calendarDays: -14 } } });
  });

  it('R9 Decision: the 3 months + 14 days reminder is always exactly 14 days before the deadline', () => {
    for (const expiry of ['2029-10-11', '2029-05-31', '2030-03-31', '2031-02-27', '2032-12-31']) {
      const deadline = renewalDeadline(expiry).date;
      const reminder = renewalReminders(expiry).find((x) => x.name === 'renewalReminder3m14d');
      const gap = (Date.parse(deadline) - Date.parse(reminder?.date ?? '')) / 86_400_000;
      expect(gap, expiry).toBe(14);
    }
  });

  it('R9 Decision: month reminders clamp to the month end (expiry 2029-05-31 → 2028-11-30, 2029-01-31)', () => {
    expect(renewalReminders('2029-05-31').map((r) => r.date)).toEqual(['2028-11-30', '2029-01-31', '2029-02-14', '2029-02-28']);
    expect(renewalReminders('2029-08-31')[0]?.date).toBe('2029-02-28');
  });

  it('R9 Decision: the deadline-day reminder is on the renewal deadline, before its 24:00 end', () => {
    for (const expiry of ['2029-10-11', '2029-05-31']) {
      const deadline = renewalDeadline(expiry);
      const day = renewalReminders(expiry).at(-1);
      expect(day?.date).toBe(deadline.date);
      expect((day?.at ?? '') < deadline.at).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// R9.2 deemed abandonment
// ---------------------------------------------------------------------------------------------

/** The first period of a listing published 2026-10-12: renewal due by 2029-07-11. */
const first: ForfeitureInput = {
  period: 1,
  reports: [],
  periodYears: { from: '2026-10-12', to: '2029-10-11' },
  renewalFiledOn: '2029-06-01',
  renewalDeadline: '2029-07-11',
  today: '2029-07-12',
};

/** Its second period: renewal due by 2032-07-11. 2030 and 2031 count for R9.2(b). */
const second: ForfeitureInput = {
  period: 2,
  reports: [],
  periodYears: { from: '2029-10-12', to: '2032-10-11' },
  renewalFiledOn: '2032-06-01',
  renewalDeadline: '2032-07-11',
  today: '2032-07-12',
};

const rules = (input: ForfeitureInput) => forfeitureOf(input).grounds.map((g) => g.rule);

describe('R9.2(a) no activity in the first validity period', () => {
  it('R9.2(a) no annual report at all in the first period → deemed abandonment', () => {
    const f = forfeitureOf(first);
    expect(f.forfeited).toBe(true);
    expect(f.grounds).toEqual([
      { rule: 'R9.2(a)', reason: 'R9.2(a): no training or evaluation during the first validity period (2026-10-12 to 2029-10-11): no annual report for 2026, 2027 and 2028 shows any person-times' },
    ]);
  });

  it('R9.2(a) reports of 0 person-times only → deemed abandonment', () => {
    const reports = [2026, 2027, 2028].map((year) => ({ year, personTimes: 0 }));
    expect(rules({ ...first, reports })).toEqual(['R9.2(a)']);
  });

  it('R9.2(a) any person-times in the first period, even in the publication year, → not forfeited', () => {
    expect(forfeitureOf({ ...first, reports: [{ year: 2026, personTimes: 5 }] })).toEqual({ forfeited: false, grounds: [] });
    expect(forfeitureOf({ ...first, reports: [{ year: 2028, personTimes: 1 }] }).forfeited).toBe(false);
  });

  it('R9.2(a) a report on a year outside the period does not count as activity in it', () => {
    expect(rules({ ...first, reports: [{ year: 2025, personTimes: 9000 }] })).toEqual(['R9.2(a)']);
  });

  it('R9.2(a) applies to the first period only (a later period is judged by R9.2(b))', () => {
    const zero = [2030, 2031].map((year) => ({ year, personTimes: 0 }));
    expect(rules({ ...second, reports: zero })).toEqual(['R9.2(b)']);
  });

  it('R9.2(a) is not judged before the renewal deadline has passed', () => {
    expect(forfeitureOf({ ...first, today: '2029-07-11' })).toEqual({ forfeited: false, grounds: [] });
    expect(forfeitureOf({ ...first, renewalFiledOn: undefined, today: '2027-03-01' })).toEqual({ forfeited: false, grounds: [] });
  });
});

describe('R9.2(b) annual average below 200 person-times from the second period', () => {
  it('R9.2(b) an annual average of 150 → deemed abandonment', () => {
    const f = forfeitureOf({ ...second, reports: [{ year: 2030, personTimes: 150 }, { year: 2031, personTimes: 150 }] });
    expect(f.forfeited).toBe(true);
    expect(f.grounds).toEqual([
      { rule: 'R9.2(b)', reason: 'R9.2(b): an annual average of 150 person-times over 2030 and 2031 in validity period 2 (2029-10-12 to 2032-10-11) is below 200' },
    ]);
  });

  it('R9.2(b) an annual average of exactly 200 → not forfeited', () => {
    expect(forfeitureOf({ ...second, reports: [{ year: 2030, personTimes: 100 }, { year: 2031, personTimes: 300 }] })).toEqual({ forfeited: false, grounds: [] });
    expect(forfeitureOf({ ...second, reports: [{ year: 2030, personTimes: 200 }, { year: 2031, personTimes: 200 }] }).forfeited).toBe(false);
  });

  it('R9.2(b) Decision: a missing report counts as 0 person-times (strict reading)', () => {
    expect(forfeitureOf({ ...second, reports: [{ year: 2030, personTimes: 400 }] }).forfeited).toBe(false); // (400 + 0) / 2 = 200
    const f = forfeitureOf({ ...second, reports: [{ year: 2030, personTimes: 399 }] }); // 199.5
    expect(f.grounds).toEqual([
      {
        rule: 'R9.2(b)',
        reason: 'R9.2(b): an annual average of 199.5 person-times over 2030 and 2031 in validity period 2 (2029-10-12 to 2032-10-11) is below 200; no annual report for 2031, counted as 0',
      },
    ]);
  });

  it('R9.2(b) Decision: a partial year with less than half its days in the period does not count (2029, 2032)', () => {
    const reports = [
      { year: 2029, personTimes: 10_000 },
      { year: 2030, personTimes: 100 },
      { year: 2031, personTimes: 100 },
      { year: 2032, personTimes: 10_000 },
    ];
    expect(rules({ ...second, reports, today: '2033-03-01' })).toEqual(['R9.2(b)']);
  });

  it('R9.2(b) Decision: a year with at least half its days in the period counts for it (2030 in a period from 2030-01-02)', () => {
    const input: ForfeitureInput = {
      ...second,
      periodYears: { from: '2030-01-02', to: '2033-01-01' },
      renewalDeadline: '2032-10-01',
      renewalFiledOn: '2032-09-01',
      today: '2032-10-02',
      reports: [{ year: 2030, personTimes: 300 }, { year: 2031, personTimes: 100 }],
    };
    expect(forfeitureOf(input).forfeited).toBe(false); // (300 + 100) / 2 = 200; without 2030 it would be 100
  });

  it('R9.2(b) Decision: only years whose report was due by the renewal deadline count', () => {
    // Period 2030-02-01 to 2033-01-31, renewal due 2032-10-31: the 2032 report is due 2033-01-31, after it.
    const input: ForfeitureInput = {
      ...second,
      periodYears: { from: '2030-02-01', to: '2033-01-31' },
      renewalDeadline: '2032-10-31',
      renewalFiledOn: '2032-10-01',
      today: '2033-03-01',
      reports: [{ year: 2030, personTimes: 200 }, { year: 2031, personTimes: 200 }],
    };
    expect(forfeitureOf(input).forfeited).toBe(false);
  });

  it('R9.2(b) applies to every later period, not to the first', () => {
    const low = [{ year: 2033, personTimes: 10 }, { year: 2034, personTimes: 10 }];
    const third: ForfeitureInput = {
      ...second,
      period: 3,
      periodYears: { from: '2032-10-12', to: '2035-10-11' },
      renewalDeadline: '2035-07-11',
      renewalFiledOn: '2035-07-01',
      today: '2035-07-12',
      reports: low,
    };
    expect(rules(third)).toEqual(['R9.2(b)']);
    expect(rules({ ...first, reports: [{ year: 2027, personTimes: 10 }] })).toEqual([]);
  });

  it('R9.2(b) is not judged before the renewal deadline has passed', () => {
    expect(forfeitureOf({ ...second, today: '2032-07-11' }).forfeited).toBe(false);
  });
});

describe('R9.2(c) no renewal application by the deadline', () => {
  const active = [{ year: 2026, personTimes: 500 }, { year: 2027, personTimes: 2500 }];

  it('R9.2(c) not judged on or before the deadline day: the application may be filed until 24:00', () => {
    expect(forfeitureOf({ ...first, reports: active, renewalFiledOn: undefined, today: '2029-07-11' })).toEqual({ forfeited: false, grounds: [] });
    expect(forfeitureOf({ ...first, reports: active, renewalFiledOn: undefined, today: '2029-05-01' }).forfeited).toBe(false);
  });

  it('R9.2(c) no application after the deadline has passed → deemed abandonment', () => {
    expect(forfeitureOf({ ...first, reports: active, renewalFiledOn: undefined, today: '2029-07-12' })).toEqual({
      forfeited: true,
      grounds: [{ rule: 'R9.2(c)', reason: 'R9.2(c): no renewal application was filed by the deadline, 24:00 on 2029-07-11 (Asia/Shanghai)' }],
    });
  });

  it('R9.2(c) an application filed on the deadline day is in time', () => {
    expect(forfeitureOf({ ...first, reports: active, renewalFiledOn: '2029-07-11', today: '2029-08-01' }).forfeited).toBe(false);
  });

  it('R9.2(c) an application filed after the deadline is late: deemed abandonment', () => {
    const f = forfeitureOf({ ...first, reports: active, renewalFiledOn: '2029-07-12', today: '2029-08-01' });
    expect(f.grounds).toEqual([
      { rule: 'R9.2(c)', reason: 'R9.2(c): the renewal application was filed on 2029-07-12, after the deadline, 24:00 on 2029-07-11 (Asia/Shanghai)' },
    ]);
  });

  it('R9.2 every ground that holds is reported: (a) and (c) together', () => {
    expect(rules({ ...first, renewalFiledOn: undefined })).toEqual(['R9.2(a)', 'R9.2(c)']);
  });
});

describe('R9.2 forfeiture input checks', () => {
  it('R9.2 rejects malformed input, naming the field', () => {
    expect(inputErrorField(() => forfeitureOf({ ...first, period: 0 }))).toBe('/period');
    expect(inputErrorField(() => forfeitureOf({ ...first, reports: [{ year: 2027, personTimes: -1 }] }))).toBe('/reports/0/personTimes');
    expect(inputErrorField(() => forfeitureOf({ ...first, reports: [{ year: 2027, personTimes: 1.5 }] }))).toBe('/reports/0/personTimes');
    expect(inputErrorField(() => forfeitureOf({ ...first, reports: [{ year: 2027, personTimes: 1 }, { year: 2027, personTimes: 2 }] }))).toBe('/reports/1/year');
    expect(inputErrorField(() => forfeitureOf({ ...first, reports: [{ year: 2027.5, personTimes: 1 }] }))).toBe('/reports/0/year');
    expect(inputErrorField(() => forfeitureOf({ ...first, renewalFiledOn: '2029-07-13' }))).toBe('/renewalFiledOn');
    expect(inputErrorField(() => forfeitureOf({ ...first, renewalDeadline: '2029-10-12' }))).toBe('/renewalDeadline');
    expect(inputErrorField(() => forfeitureOf({ ...first, periodYears: { from: '2029-10-11', to: '2026-10-12' } }))).toBe('/periodYears/to');
    expect(inputErrorField(() => forfeitureOf({ ...first, today: '12/07/2029' }))).toBe('/today');
    expect(inputErrorField(() => forfeitureOf({ ...first, periodYears: { from: '2020-01-01', to: '2029-10-11' } }))).toBe('/periodYears/from');
  });
});

// ---------------------------------------------------------------------------------------------
// R9.3 re-application bar; R20.3 withdrawal
// ---------------------------------------------------------------------------------------------

describe('R9.3 re-application bar', () => {
  it('R9.3 after expiry on 2029-10-11 the institution is barred 2029-10-12 to 2032-10-11, as intake computes it', () => {
    expect(reapplicationBar('2029-10-11')).toEqual({ from: '2029-10-12', until: '2032-10-11' });
    expect(reapplicationBar('2029-10-11').until).toBe(barUntil('2029-10-11'));
  });

  it('R9.3 a bar after an expiry on 29 February ends on 28 February', () => {
    expect(reapplicationBar('2028-02-29')).toEqual({ from: '2028-03-01', until: '2031-02-28' });
  });

  it('R9.3 a deemed abandonment (forfeited) starts the bar', () => {
    expect(barApplies('forfeited')).toBe(true);
  });

  it('R9.3 / R20 Decision: a removal starts the bar', () => {
    expect(barApplies('removed')).toBe(true);
  });

  it('R20.3 a withdrawal does not start a bar', () => {
    expect(barApplies('withdrawn')).toBe(false);
  });

  it('R9.3 Decision: an expiry without R9.2 grounds (a renewal filed in time but refused) does not start a bar', () => {
    expect(barApplies('expired')).toBe(false);
  });

  it('R9.3 rejects an unknown end reason', () => {
    expect(inputErrorField(() => barApplies('toString' as ListingEndReason))).toBe('endReason');
    expect(inputErrorField(() => reapplicationBar('2029-02-29'))).toBe('expiry');
  });
});

// ---------------------------------------------------------------------------------------------
// R14.2 annual reports
// ---------------------------------------------------------------------------------------------

describe('R14.2 annual report schedule', () => {
  it('R14.2 Decision: the report on 2027 is due by 24:00 on 2028-01-31 Shanghai, accepted from 2028-01-01', () => {
    const s = annualReportSchedule(2027, cal);
    expect(s.year).toBe(2027);
    expect(s.acceptedFrom).toBe('2028-01-01');
    expect(s.due).toMatchObject({ name: 'annualReportDue', rule: 'R14.2', date: '2028-01-31', at: '2028-01-31T15:59:59.999Z', recipients: ['institution'] });
    expect(s.due.purpose).toContain('due by 24:00 on 2028-01-31');
    expect(annualReportDueDate(2027)).toBe('2028-01-31');
  });

  it('R14.2 Decision: reminders to the institution at 09:00 on 1 December, 15 and 29 January', () => {
    const s = annualReportSchedule(2027, cal);
    expect(s.reminders.map((r) => [r.name, r.at])).toEqual([
      ['annualReportReminderDec1', nineAm('2027-12-01')],
      ['annualReportReminderJan15', nineAm('2028-01-15')],
      ['annualReportReminderJan29', nineAm('2028-01-29')],
    ]);
    for (const r of s.reminders) {
      expect(r.recipients).toEqual(['institution']);
      expect(r.purpose).toContain('annual report on 2027');
      expect(r.purpose).toContain('due by 24:00 on 2028-01-31');
      expect(r.purpose).toContain('R14.2');
    }
  });

  it('R14.2 Decision: overdue escalates to the recommender when the due date passes, then to the organiser after 10 working days', () => {
    const [recommender, organiser] = annualReportSchedule(2027, cal).escalations;
    expect(recommender).toMatchObject({
      name: 'annualReportEscalationRecommender',
      level: 1,
      recipients: ['recommender'],
      at: '2028-01-31T15:59:59.999Z',
      relativeTo: 'annualReportDue',
    });
    expect(recommender?.purpose).toContain('escalates to the organiser');
    expect(recommender?.purpose).toContain('24:00 on 2028-02-14');
    // 2028 has no published arrangement yet: weekends and statutory holidays only, provisional.
    expect(organiser).toMatchObject({
      name: 'annualReportEscalationOrganiser',
      level: 2,
      recipients: ['organiser'],
      date: '2028-02-14',
      at: '2028-02-14T15:59:59.999Z',
      provisional: true,
      relativeTo: 'annualReportDue',
      spec: { from: '2028-01-31', offset: { workingDays: 10 } },
    });
    expect(organiser?.explanation.text).toContain('10 working days after 2028-01-31 (R14.2)');
  });

  it('R14.2 the organiser escalation skips the holidays of a loaded arrangement and is then exact', () => {
    const loaded = createCalendar([{ year: 2028, holidays: [{ date: '2028-02-01', name: '春节' }, { date: '2028-02-02', name: '春节' }], workdays: [] }]);
    const organiser = annualReportSchedule(2027, loaded).escalations[1];
    expect(organiser).toMatchObject({ date: '2028-02-16', provisional: false });
  });

  it('R14.2 rejects a year before the measures or not an integer', () => {
    expect(inputErrorField(() => annualReportSchedule(2023, cal))).toBe('year');
    expect(inputErrorField(() => annualReportSchedule(2027.5, cal))).toBe('year');
  });
});

describe('R14.2 annual report checks', () => {
  const good: AnnualReport = { year: 2027, personTimes: 1200, plan: '2028: 4 cohorts of 300 in 人工智能工程技术人员.', nextYearPlannedPersonTimes: 1200 };
  const ctx = { today: '2028-01-20', validFrom: '2026-10-12' };
  const fields = (report: AnnualReport, context = ctx) => checkAnnualReport(report, context).map((e) => `${e.rule} ${e.field}`);

  it('R14.2 a complete report on the previous year is accepted', () => {
    expect(checkAnnualReport(good, ctx)).toEqual([]);
    expect(checkAnnualReport({ ...good, personTimes: 0, nextYearPlannedPersonTimes: undefined }, ctx)).toEqual([]);
  });

  it('R14.2 Decision: the report on a year is accepted from 1 January of the next year', () => {
    expect(fields(good, { ...ctx, today: '2028-01-01' })).toEqual([]);
    expect(fields(good, { ...ctx, today: '2027-12-31' })).toEqual(['R14.2 /year']);
  });

  it('R14.2 a late report is still accepted (it is overdue, and escalated by the schedule)', () => {
    expect(fields(good, { ...ctx, today: '2029-06-01' })).toEqual([]);
  });

  it('R14.2 Decision: a report on the current year is refused', () => {
    const errors = checkAnnualReport({ ...good, year: 2028 }, ctx);
    expect(errors).toEqual([{ field: '/year', rule: 'R14.2', message: '2028 is not over: its report is accepted from 2029-01-01' }]);
  });

  it('R14.2 Decision: a report on a future year is refused', () => {
    expect(fields({ ...good, year: 2030 })).toEqual(['R14.2 /year']);
    expect(checkAnnualReport({ ...good, year: 2030 }, ctx)[0]?.message).toContain('future year');
  });

  it('R14.2 a report on a year before the listing existed is refused', () => {
    expect(fields({ ...good, year: 2025 })).toEqual(['R14.2 /year']);
    expect(fields(good, { ...ctx, validFrom: '2026-10-12' })).toEqual([]); // the publication year itself is reported
  });

  it('R14.2 a non-integer year is refused', () => {
    expect(fields({ ...good, year: 2027.5 })).toEqual(['R14.2 /year']);
  });

  it('R14.2 negative or non-integer person-times are refused', () => {
    expect(fields({ ...good, personTimes: -1 })).toEqual(['R14.2 /personTimes']);
    expect(fields({ ...good, personTimes: 10.5 })).toEqual(['R14.2 /personTimes']);
    expect(fields({ ...good, personTimes: Number.NaN })).toEqual(['R14.2 /personTimes']);
    expect(fields({ ...good, personTimes: listingPolicy.annualReport.maxPersonTimes + 1 })).toEqual(['R14.2 /personTimes']);
  });

  it('R14.2 negative or non-integer planned person-times are refused', () => {
    expect(fields({ ...good, nextYearPlannedPersonTimes: -5 })).toEqual(['R14.2 /nextYearPlannedPersonTimes']);
    expect(fields({ ...good, nextYearPlannedPersonTimes: 0.5 })).toEqual(['R14.2 /nextYearPlannedPersonTimes']);
  });

  it('R14.2 next year\'s plan is required and at most 5000 characters', () => {
    expect(fields({ ...good, plan: '' })).toEqual(['R14.2 /plan']);
    expect(fields({ ...good, plan: '  \n ' })).toEqual(['R14.2 /plan']);
    expect(fields({ ...good, plan: '计'.repeat(5000) })).toEqual([]);
    expect(fields({ ...good, plan: '计'.repeat(5001) })).toEqual(['R14.2 /plan']);
  });

  it('R14.2 every bad field is reported at once', () => {
    expect(fields({ year: 2030, personTimes: -1, plan: '', nextYearPlannedPersonTimes: 1.5 })).toEqual([
      'R14.2 /year',
      'R14.2 /personTimes',
      'R14.2 /nextYearPlannedPersonTimes',
      'R14.2 /plan',
    ]);
  });

  it('R14.2 rejects a malformed context date', () => {
    expect(inputErrorField(() => checkAnnualReport(good, { ...ctx, today: '2028-1-20' }))).toBe('today');
  });
});

describe('R14.2 AnnualReportSchema', () => {
  const good: AnnualReport = { year: 2027, personTimes: 1200, plan: 'Four cohorts.' };
  const errorPaths = (value: unknown) => [...Value.Errors(AnnualReportSchema, value)].map((e) => e.instancePath);

  it('R14.2 accepts a complete report, with or without planned person-times', () => {
    expect(Value.Check(AnnualReportSchema, good)).toBe(true);
    expect(Value.Check(AnnualReportSchema, { ...good, nextYearPlannedPersonTimes: 0 })).toBe(true);
  });

  it('R14.2 rejects each bad field at its path', () => {
    expect(errorPaths({ ...good, personTimes: -1 })).toContain('/personTimes');
    expect(errorPaths({ ...good, personTimes: 1.5 })).toContain('/personTimes');
    expect(errorPaths({ ...good, year: 2027.5 })).toContain('/year');
    expect(errorPaths({ ...good, year: 2023 })).toContain('/year');
    expect(errorPaths({ ...good, plan: '' })).toContain('/plan');
    expect(errorPaths({ ...good, plan: '   ' })).toContain('/plan');
    expect(errorPaths({ ...good, plan: 'x'.repeat(5001) })).toContain('/plan');
    expect(errorPaths({ ...good, nextYearPlannedPersonTimes: -1 })).toContain('/nextYearPlannedPersonTimes');
  });

  it('R14.2 is strict: missing fields and unknown properties are rejected', () => {
    expect(Value.Check(AnnualReportSchema, { year: 2027, personTimes: 1 })).toBe(false);
    expect(Value.Check(AnnualReportSchema, { ...good, occupation: '2-02-10-09' })).toBe(false);
  });
});
