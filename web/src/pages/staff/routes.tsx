/**
 * Routes of the staff area (工作台), mounted by App.tsx under /console for officers, leaders and
 * admins: a side menu (Layout.Sider + Menu) and the pages. Test id of the menu: `console-menu`.
 */
import { AuditOutlined, CalendarOutlined, CloudUploadOutlined, FileSearchOutlined, InboxOutlined, OrderedListOutlined, ProfileOutlined, SolutionOutlined, ToolOutlined } from '@ant-design/icons';
import { Layout, Menu, Result } from 'antd';
import { useState } from 'react';
import { Link, Navigate, Outlet, useLocation, type RouteObject } from 'react-router';
import { useTranslation } from 'react-i18next';
import { RequireRole } from '../../auth/RequireRole';
import { useSession } from '../../auth/session';
import '../../components/i18n';
import { CalendarPage } from './CalendarPage';
import { CasePage } from './CasePage';
import { ImportPage } from './ImportPage';
import { InboxPage } from './InboxPage';
import { InspectionsPage } from './InspectionsPage';
import { ListingPage, ListingsPage } from './ListingPages';
import { PlansPage } from './PlansPage';
import { RectificationsPage } from './RectificationsPage';
import { RoundPage, RoundsPage } from './RoundPages';

function ConsoleLayout() {
  const { t } = useTranslation('staff');
  const { session } = useSession();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const role = session?.principal.role;
  const items = [
    { key: 'inbox', icon: <InboxOutlined />, label: <Link to="/console/inbox">{t('menu.inbox')}</Link> },
    { key: 'plans', icon: <ProfileOutlined />, label: <Link to="/console/plans">{t('menu.plans')}</Link> },
    { key: 'rounds', icon: <OrderedListOutlined />, label: <Link to="/console/rounds">{t('menu.rounds')}</Link> },
    { key: 'listings', icon: <SolutionOutlined />, label: <Link to="/console/listings">{t('menu.listings')}</Link> },
    { key: 'inspections', icon: <FileSearchOutlined />, label: <Link to="/console/inspections">{t('menu.inspections')}</Link> },
    { key: 'rectifications', icon: <ToolOutlined />, label: <Link to="/console/rectifications">{t('menu.rectifications')}</Link> },
    { key: 'imports', icon: <CloudUploadOutlined />, label: <Link to="/console/imports">{t('menu.imports')}</Link> },
    ...(role === 'admin' ? [{ key: 'calendar', icon: <CalendarOutlined />, label: <Link to="/console/calendar">{t('menu.calendar')}</Link> }] : []),
  ];
  const section = location.pathname.split('/')[2] ?? 'inbox';
  const selected = section === 'cases' ? [] : [section];
  return (
    <Layout style={{ background: 'transparent', minHeight: 'calc(100vh - 180px)' }} hasSider>
      <Layout.Sider
        theme="light"
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        width={200}
        style={{ background: '#fff', borderRadius: 8, marginRight: 16 }}
        data-testid="console-sider"
      >
        <div style={{ padding: '12px 16px', fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden' }}>
          <AuditOutlined /> {!collapsed && t('menu.title')}
        </div>
        <Menu mode="inline" selectedKeys={selected} items={items} data-testid="console-menu" style={{ borderInlineEnd: 'none' }} />
      </Layout.Sider>
      <Layout.Content style={{ minWidth: 0 }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title="404" subTitle={t('common.notFound')} />;
}

export const routes: RouteObject[] = [
  {
    element: <ConsoleLayout />,
    children: [
      { index: true, element: <Navigate to="/console/inbox" replace /> },
      { path: 'inbox', element: <InboxPage /> },
      { path: 'cases/:caseId', element: <CasePage /> },
      { path: 'plans', element: <PlansPage /> },
      { path: 'rounds', element: <RoundsPage /> },
      { path: 'rounds/:roundId', element: <RoundPage /> },
      { path: 'listings', element: <ListingsPage /> },
      { path: 'listings/:listingId', element: <ListingPage /> },
      { path: 'inspections', element: <InspectionsPage /> },
      { path: 'rectifications', element: <RectificationsPage /> },
      { path: 'imports', element: <ImportPage /> },
      {
        path: 'calendar',
        element: (
          <RequireRole roles={['admin']}>
            <CalendarPage />
          </RequireRole>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
