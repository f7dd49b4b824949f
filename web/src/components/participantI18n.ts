/**
 * Registers the words of the public, portal and expert pages' shared components (namespace
 * 'participant') with the app's i18next instance, and formats what those pages show in the active
 * language: dates with dayjs (its locale follows i18next, see main.tsx), statuses, deadlines, units.
 */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import i18n from '../i18n';
import messages from './participantMessages';
import type { Deadline, Status } from './participantApi';

export const PARTICIPANT_NS = 'participant';

dayjs.extend(localizedFormat);

for (const [lng, resources] of Object.entries(messages)) {
  if (!i18n.hasResourceBundle(lng, PARTICIPANT_NS)) i18n.addResourceBundle(lng, PARTICIPANT_NS, resources, true, false);
}

export const PROVINCE_CODES = Object.keys(messages['zh-CN'].provinces);

/** Formatting in the active language, for the participant pages. */
export function useParticipantFormat() {
  const { t, i18n: inst } = useTranslation(PARTICIPANT_NS);
  const lang = inst.language;
  return useMemo(() => {
    const has = (key: string) => inst.exists(key, { ns: PARTICIPANT_NS });
    const locale = lang === 'en' ? 'en' : 'zh-cn';
    /** A calendar day (YYYY-MM-DD, Asia/Shanghai) as the locale writes it. */
    const day = (d: string | null | undefined) => (d ? dayjs(d.length === 10 ? `${d}T00:00:00` : d).locale(locale).format('LL') : '—');
    /** An instant, shown in Asia/Shanghai wall time (UTC+8, no daylight saving) with the zone named. */
    const instant = (iso: string | null | undefined) => {
      if (!iso) return '—';
      const shanghai = dayjs(new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19)).locale(locale);
      return `${shanghai.format('LL HH:mm')} (UTC+8)`;
    };
    const province = (code: string | undefined) => (code && has(`provinces.${code}`) ? t(`provinces.${code}`) : (code ?? '—'));
    const kind = (k: string) => (has(`kinds.${k}`) ? t(`kinds.${k}`) : k);
    const caseType = (c: string) => (has(`caseTypes.${c}`) ? t(`caseTypes.${c}`) : c);
    const status = (caseTypeName: string, s: Status | { code: string; label?: string }) =>
      has(`status.${caseTypeName}.${s.code}`) ? t(`status.${caseTypeName}.${s.code}`) : (s.label ?? s.code);
    const listingStatus = (code: string) => (has(`listingStatus.${code}`) ? t(`listingStatus.${code}`) : code);
    const change = (code: string) => (has(`changes.${code}`) ? t(`changes.${code}`) : code);
    const priority = (code: string) => (has(`priority.${code}`) ? t(`priority.${code}`) : code);
    const eligibility = (check: string) => (has(`eligibility.${check}`) ? t(`eligibility.${check}`) : check);
    const unit = (u: string) => {
      const [type, code = ''] = u.split(':');
      if (type === 'national' || type === 'public') return t(`units.${type}`);
      if (type === 'province') return t('units.province', { name: province(code) });
      if (type === 'locality' || type === 'industry' || type === 'institution') return t(`units.${type}`, { code });
      return u;
    };
    const deadlineName = (name: string): string => {
      if (has(`deadlines.${name}`)) return t(`deadlines.${name}`);
      const m = /^(.*?)Reminder/.exec(name);
      if (m?.[1] && has(`deadlines.${m[1]}Due`)) return t('deadlines.reminder', { of: t(`deadlines.${m[1]}Due`) });
      return t('deadlines.other', { name });
    };
    const skipReason = (reason: string) => {
      if (reason === 'weekend') return t('deadline.weekend');
      const m = /^holiday: (.*)$/.exec(reason);
      return m ? t('deadline.holiday', { name: m[1] }) : reason;
    };
    /** The offset as counted: "10 working days", "3 months earlier" (a negative offset counts back), nothing for zero. */
    const offset = (o: Deadline['explanation']['offset']) => {
      if (!o) return '';
      const one = (key: string, n: number, extra: Record<string, unknown> = {}) => {
        if (n === 0 && !extra.d) return '';
        const text = t(`deadline.offset.${key}`, { n: Math.abs(n), ...extra });
        return n < 0 ? t('deadline.earlier', { offset: text }) : text;
      };
      if (o.workingDays !== undefined) return one('workingDays', o.workingDays);
      if (o.calendarDays !== undefined) return one('calendarDays', o.calendarDays);
      if (o.calendarMonths !== undefined) return one('calendarMonths', o.calendarMonths);
      if (o.years !== undefined) return o.days ? one('yearsDays', o.years, { d: o.days }) : one('years', o.years);
      return '';
    };
    const step = (s: string, fallback?: string) => {
      const key = `steps.${s.replace(/\./g, '_')}`;
      return has(key) ? t(key) : (fallback ?? s);
    };
    /** Event types of a case history; keys with dots are looked up literally. */
    const event = (type: string, e?: { name?: unknown }) => {
      const found = (messages[lang === 'en' ? 'en' : 'zh-CN'].events as Record<string, string>)[type] ?? type;
      return type === 'deadline.reached' && typeof e?.name === 'string' ? `${found}：${deadlineName(e.name)}` : found;
    };
    /** Who did a step: a person by name, the platform's own steps (timers, other cases) as such. */
    const actor = (a: { id: string; name: string }) => (a.id === 'system' ? t('units.system') : a.name);
    return { t, lang, day, instant, step, event, actor, province, kind, caseType, status, listingStatus, change, priority, eligibility, unit, deadlineName, skipReason, offset };
  }, [t, inst, lang]);
}
export type ParticipantFormat = ReturnType<typeof useParticipantFormat>;
