/** The portal's own navigation: listings, applications, rectification, tasks and deadlines, apply. */
import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

const PAGES = [
  { key: '/portal', label: 'listings' },
  { key: '/portal/applications', label: 'applications' },
  { key: '/portal/rectifications', label: 'rectifications' },
  { key: '/portal/tasks', label: 'tasks' },
  { key: '/portal/apply', label: 'apply' },
] as const;

export function PortalNav() {
  const { t } = useTranslation('portal');
  const { pathname } = useLocation();
  const selected = PAGES.filter((p) => (p.key === '/portal' ? pathname === '/portal' || pathname === '/portal/' : pathname.startsWith(p.key))).map((p) => p.key);
  return (
    <Menu
      mode="horizontal"
      selectedKeys={selected}
      style={{ marginBottom: 16, background: 'transparent' }}
      items={PAGES.map((p) => ({ key: p.key, label: <Link to={p.key} data-testid={`portal-nav-${p.label}`}>{t(`nav.${p.label}`)}</Link> }))}
    />
  );
}
