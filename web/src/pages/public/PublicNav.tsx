/** The public area's own navigation: the directory, the public notices, the change log and the inspection results. */
import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

const PAGES = [
  { key: '/', label: 'directory' },
  { key: '/notices', label: 'notices' },
  { key: '/changes', label: 'changes' },
  { key: '/inspections', label: 'inspections' },
] as const;

export function PublicNav() {
  const { t } = useTranslation('public');
  const { pathname } = useLocation();
  const selected = PAGES.filter((p) => (p.key === '/' ? pathname === '/' : pathname.startsWith(p.key))).map((p) => p.key);
  return (
    <Menu
      mode="horizontal"
      selectedKeys={selected}
      style={{ marginBottom: 16, background: 'transparent' }}
      items={PAGES.map((p) => ({ key: p.key, label: <Link to={p.key} data-testid={`public-nav-${p.label}`}>{t(`nav.${p.label}`)}</Link> }))}
    />
  );
}
