/**
 * Languages: Simplified Chinese first (zh-CN), English available. Each area keeps its own messages
 * (pages/<area>/messages.ts, `{ 'zh-CN': {...}, en: {...} }`) under its own namespace; the shell's are here.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import expert from '../pages/expert/messages';
import portal from '../pages/portal/messages';
import publicPages from '../pages/public/messages';
import staff from '../pages/staff/messages';
import shell from './shell';

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('dte.lang') : null;

void i18n.use(initReactI18next).init({
  lng: stored === 'en' ? 'en' : 'zh-CN',
  fallbackLng: 'zh-CN',
  defaultNS: 'shell',
  interpolation: { escapeValue: false },
  resources: {
    'zh-CN': { shell: shell['zh-CN'], public: publicPages['zh-CN'], portal: portal['zh-CN'], expert: expert['zh-CN'], staff: staff['zh-CN'] },
    en: { shell: shell.en, public: publicPages.en, portal: portal.en, expert: expert.en, staff: staff.en },
  },
});

export function setLanguage(lang: Language): void {
  localStorage.setItem('dte.lang', lang);
  void i18n.changeLanguage(lang);
}

export default i18n;
