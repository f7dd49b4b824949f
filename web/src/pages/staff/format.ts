/**
 * How the staff pages write things in the active language: dates with dayjs (its locale follows
 * i18next, see main.tsx), numbers with Intl, and the glossary's words for case types, states,
 * steps, commands, deadlines, units and the days a deadline skipped.
 */
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransitionKind } from '../../components/StateDiagram';
import type { Deadline, Status } from './api';

dayjs.extend(relativeTime);

const underscore = (s: string) => s.replace(/\./g, '_');

export function useFmt() {
  const { t, i18n } = useTranslation('staff');
  const lang = i18n.language;
  const has = useCallback((key: string) => i18n.exists(key, { ns: 'staff' }), [i18n]);

  const number = useMemo(() => new Intl.NumberFormat(lang === 'en' ? 'en' : 'zh-CN'), [lang]);
  const percent = useMemo(() => new Intl.NumberFormat(lang === 'en' ? 'en' : 'zh-CN', { style: 'percent', maximumFractionDigits: 0 }), [lang]);

  return useMemo(() => {
    const localeOf = () => (lang === 'en' ? 'en' : 'zh-cn');
    const date = (v: string | null | undefined) => (v ? dayjs(v).locale(localeOf()).format(t('format.date')) : '—');
    const dateTime = (v: string | null | undefined) => (v ? dayjs(v).locale(localeOf()).format(t('format.dateTime')) : '—');
    const fromNow = (v: string) => dayjs(v).locale(localeOf()).fromNow();
    const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : number.format(n));
    const pct = (n: number) => percent.format(n);

    const caseType = (c: string) => (has(`caseTypes.${c}`) ? t(`caseTypes.${c}`) : c);
    const stateKey = (key: string) => (has(`states.${key}`) ? t(`states.${key}`) : key);
    /** A public status: the glossary's word for its code (`submitted.overdue` → 报批中（已逾期）), else the API's label. */
    const status = (s: Status | { code: string; label?: string }) => {
      const [head, tail] = s.code.split('.');
      if (head && has(`states.${head}`)) return tail === 'overdue' ? `${t(`states.${head}`)}（${t('states.overdue')}）` : t(`states.${head}`);
      return s.label ?? s.code;
    };
    const step = (s: string, fallback?: string) => (has(`steps.${underscore(s)}`) ? t(`steps.${underscore(s)}`) : (fallback ?? s));
    const action = (a: string, fallback?: string) => (has(`actions.${a}`) ? t(`actions.${a}`) : (fallback ?? a));
    const deadlineName = (name: string) => {
      if (has(`deadlines.${name}`)) return t(`deadlines.${name}`);
      // `approvalReminder1`, `annualReportReminderDec1`, `renewalReminder6m`: the base name and what tells them apart.
      const m = /^(.*?Reminder)(.+)$/.exec(name) ?? /^(.*?)(\d+)$/.exec(name);
      if (m && has(`deadlines.${m[1]}`)) return `${t(`deadlines.${m[1]}`)}（${m[2]}）`;
      const reminder = /Reminder/i.test(name) ? t('deadlines.reminder') : t('deadlines.due');
      return `${reminder} (${name})`;
    };
    const event = (type: string, extra?: { name?: unknown }) => {
      if (has(`actions.${type}`)) return t(`actions.${type}`);
      const base = has(`events.${underscore(type)}`) ? t(`events.${underscore(type)}`) : type;
      return type === 'deadline.reached' && typeof extra?.name === 'string' ? `${base}：${deadlineName(extra.name)}` : base;
    };
    const transitionLabel = (ev: string, kind: TransitionKind, guard: string | null) => {
      if (kind === 'deadline') return guard ? deadlineName(guard) : t('events.deadline_reached');
      if (kind === 'always') return guard ? `${t('events.always')} · ${guard}` : t('events.always');
      if (kind === 'actor') return ev.replace(/^xstate\.(done|error)\.actor\./, '');
      return event(ev);
    };
    const province = (code: string) => (has(`provinces.${code}`) ? t(`provinces.${code}`) : code);
    const unit = (u: string) => {
      const [kind, code = ''] = u.split(':') as [string, string?];
      if (kind === 'national' || kind === 'public') return t(`units.${kind}`);
      if (kind === 'province') return t('units.province', { name: province(code) });
      if (has(`units.${kind}`)) return t(`units.${kind}`, { code });
      return u;
    };
    const kind = (k: string) => (has(`kinds.${k}`) ? t(`kinds.${k}`) : k);
    const skipReason = (reason: string) => {
      if (reason === 'weekend') return t('skip.weekend');
      const m = /^holiday: (.*?)( \(weekend\))?$/.exec(reason);
      if (m) return `${t('skip.holiday', { name: m[1] })}${m[2] ? t('skip.onWeekend') : ''}`;
      return reason;
    };
    const offset = (o: Deadline['explanation']['offset']) => {
      if (!o) return '—';
      if (o.workingDays !== undefined) return t('offsets.workingDays', { count: o.workingDays });
      if (o.calendarDays !== undefined) return t('offsets.calendarDays', { count: o.calendarDays });
      if (o.calendarMonths !== undefined) return t('offsets.calendarMonths', { count: o.calendarMonths });
      if (o.years !== undefined) return o.days ? t('offsets.yearsDays', { years: o.years, days: o.days }) : t('offsets.years', { count: o.years });
      return JSON.stringify(o);
    };
    /** Days a deadline skipped, runs of the same reason merged: "10月1日–10月7日（法定节假日：国庆节）". */
    const skippedRuns = (skipped: { date: string; reason: string }[]) => {
      const runs: { first: string; last: string; reason: string }[] = [];
      for (const s of [...skipped].sort((a, b) => a.date.localeCompare(b.date))) {
        const run = runs.at(-1);
        if (run && run.reason === s.reason && dayjs(run.last).add(1, 'day').format('YYYY-MM-DD') === s.date) run.last = s.date;
        else runs.push({ first: s.date, last: s.date, reason: s.reason });
      }
      const short = (d: string) => dayjs(d).locale(localeOf()).format(t('format.short'));
      return runs.map((r) => `${r.first === r.last ? short(r.first) : `${short(r.first)}–${short(r.last)}`}（${skipReason(r.reason)}）`);
    };
    return { t, lang, date, dateTime, fromNow, num, pct, caseType, stateKey, status, step, action, deadlineName, event, transitionLabel, unit, province, kind, skipReason, offset, skippedRuns };
  }, [t, lang, has, number, percent]);
}

export type Fmt = ReturnType<typeof useFmt>;
