/** The working-day calendar through the API (rules.md "Time", R7.4's notice period). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledYears } from '../../rules/calendar/index.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('calendar-api');
});
afterAll(async () => {
  await stack?.stop();
});

describe('GET /api/calendar/working-days (public)', () => {
  it('R7.4 five working days from 2026-09-28 cross National Day and count the make-up Saturday', async () => {
    const r = await api(stack.baseUrl).get('/api/calendar/working-days?from=2026-09-28&count=5');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: '2026-09-28', count: 5, end: '2026-10-10', provisional: false, days: ['2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10'] });
    expect(r.body.skipped.map((s: { date: string }) => s.date)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect(r.body.skipped[0].reason).toContain('国庆节');
  });

  it.each([
    ['from=2026-02-30&count=5', 'from'],
    ['from=2026-09-28&count=abc', 'count'],
    ['from=2026-09-28', 'count'],
    ['from=2026-09-28&count=5&extra=1', 'extra'],
    ['from=2026-09-28&count=99999', 'count'],
  ])('rejects %s naming the field', async (query, field) => {
    const r = await api(stack.baseUrl).get(`/api/calendar/working-days?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('InvalidInput');
    expect(JSON.stringify(r.body.error)).toContain(field);
  });
});

describe('a year\'s arrangement (admin)', () => {
  const year = Math.max(...bundledYears()) + 2;

  it('Time: a year without published data is provisional (fallback: weekends + statutory holidays)', async () => {
    const r = await api(stack.baseUrl).get(`/api/calendar/years/${year}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year, source: 'fallback', provisional: true });
    expect(r.body.holidays.map((h: { date: string }) => h.date)).toEqual(expect.arrayContaining([`${year}-01-01`, `${year}-05-01`, `${year}-10-01`]));
    const wd = await api(stack.baseUrl).get(`/api/calendar/working-days?from=${year}-09-28&count=5`);
    expect(wd.body.provisional).toBe(true);
  });

  it('only an admin loads one; then it is official and no longer provisional', async () => {
    const body = { source: '国办发明电〔测试〕1号', holidays: [{ date: `${year}-10-01`, name: '国庆节' }, { date: `${year}-10-02`, name: '国庆节' }], workdays: [] };
    const denied = await api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-officer')).put(`/api/calendar/years/${year}`, body);
    expect(denied.status).toBe(403);
    const anonymous = await api(stack.baseUrl).put(`/api/calendar/years/${year}`, body);
    expect(anonymous.status).toBe(401);
    const bad = await api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-admin')).put(`/api/calendar/years/${year}`, { ...body, holidays: [{ date: `${year}-02-30`, name: 'x' }] });
    expect(bad.status).toBe(400);
    expect((await api(stack.baseUrl).get(`/api/calendar/years/${year}`)).body.source).toBe('fallback');

    const ok = await api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-admin')).put(`/api/calendar/years/${year}`, body);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ year, holidays: 2, workdays: 0 });
    const after = await api(stack.baseUrl).get(`/api/calendar/years/${year}`);
    expect(after.body).toMatchObject({ source: 'loaded', provisional: false });
    const wd = await api(stack.baseUrl).get(`/api/calendar/working-days?from=${year}-09-28&count=5`);
    expect(wd.body.provisional).toBe(false);
  });
});
