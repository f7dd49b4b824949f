/** The page frame: header with the public links, the signed-in person's area, language and sign-out. */
import { GlobalOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown, Layout, Menu, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { homeOf, STAFF_ROLES, useSession } from '../auth/session';
import { LANGUAGES, setLanguage } from '../i18n';

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { session, logout } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const role = session?.principal.role;

  const items = [
    { key: '/', label: <Link to="/">{t('nav.directory')}</Link> },
    { key: '/notices', label: <Link to="/notices">{t('nav.notices')}</Link> },
    { key: '/changes', label: <Link to="/changes">{t('nav.changes')}</Link> },
    ...(role && STAFF_ROLES.includes(role) ? [{ key: '/console', label: <Link to="/console/inbox">{t('nav.console')}</Link> }] : []),
    ...(role === 'institution' ? [{ key: '/portal', label: <Link to="/portal">{t('nav.portal')}</Link> }] : []),
    ...(role === 'expert' || role === 'inspector' ? [{ key: '/expert', label: <Link to="/expert/tasks">{t('nav.expert')}</Link> }] : []),
  ];
  const selected = items.map((i) => i.key).filter((k) => (k === '/' ? location.pathname === '/' : location.pathname.startsWith(k)));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, paddingInline: 24 }}>
        <Link to={role ? homeOf(role) : '/'} style={{ color: '#fff', fontWeight: 600, whiteSpace: 'nowrap' }}>
          {t('appShort')}
        </Link>
        <Menu theme="dark" mode="horizontal" selectedKeys={selected} items={items} style={{ flex: 1, minWidth: 0 }} />
        <Space>
          <Dropdown
            menu={{
              selectedKeys: [i18n.language],
              items: LANGUAGES.map((l) => ({ key: l.code, label: l.label, onClick: () => setLanguage(l.code) })),
            }}
          >
            <Button type="text" icon={<GlobalOutlined />} style={{ color: '#fff' }} aria-label={t('common.language')} />
          </Dropdown>
          {session ? (
            <Dropdown
              menu={{
                items: [
                  { key: 'who', disabled: true, label: `${t(`roles.${session.principal.role}`)} · ${session.principal.unit}` },
                  // A local account's password; an identity provider's or a demo sign-in has none here.
                  ...(session.method.startsWith('password')
                    ? [{ key: 'password', icon: <KeyOutlined />, label: t('nav.password'), onClick: () => void navigate('/account/password') }]
                    : []),
                  {
                    key: 'logout',
                    icon: <LogoutOutlined />,
                    label: t('nav.logout'),
                    onClick: () => void logout().then(() => navigate('/')),
                  },
                ],
              }}
            >
              <Button type="text" icon={<UserOutlined />} style={{ color: '#fff' }} data-testid="user-menu">
                {session.principal.name}
              </Button>
            </Dropdown>
          ) : (
            <Link to="/login" style={{ color: '#fff' }}>
              {t('nav.login')}
            </Link>
          )}
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Outlet />
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>
        <Typography.Text type="secondary">{t('appName')}</Typography.Text>
      </Layout.Footer>
    </Layout>
  );
}
