/** Routing: public pages at the root, then one area per audience, each guarded by role. */
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Outlet, RouterProvider } from 'react-router';
import { ChangePasswordPage } from './auth/ChangePasswordPage';
import { LoginPage } from './auth/LoginPage';
import { RequireRole } from './auth/RequireRole';
import { STAFF_ROLES } from './auth/session';
import { AppLayout } from './layout/AppLayout';
import { routes as expertRoutes } from './pages/expert/routes';
import { routes as portalRoutes } from './pages/portal/routes';
import { routes as publicRoutes } from './pages/public/routes';
import { routes as staffRoutes } from './pages/staff/routes';

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title="404" subTitle={t('common.notFound')} />;
}

const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [
      ...publicRoutes,
      { path: '/login', element: <LoginPage /> },
      { path: '/account/password', element: <ChangePasswordPage /> },
      { path: '/console', element: <RequireRole roles={STAFF_ROLES}><OutletOf /></RequireRole>, children: staffRoutes },
      { path: '/portal', element: <RequireRole roles={['institution']}><OutletOf /></RequireRole>, children: portalRoutes },
      { path: '/expert', element: <RequireRole roles={['expert', 'inspector']}><OutletOf /></RequireRole>, children: expertRoutes },
      { path: '*', element: <NotFound /> },
    ],
  },
]);


function OutletOf() {
  return <Outlet />;
}

export function App() {
  return <RouterProvider router={router} />;
}
