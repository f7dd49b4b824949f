/**
 * Guards an area: signed-out people go to the login page, a one-time password to its change first,
 * others with the wrong role see 403.
 */
import { Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { passwordChangePath, useSession, type Role } from './session';

export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { session, loading } = useSession();
  const { t } = useTranslation();
  const location = useLocation();
  if (loading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (session.passwordChangeRequired) return <Navigate to={passwordChangePath(location.pathname + location.search)} replace />;
  if (!roles.includes(session.principal.role)) return <Result status="403" title="403" subTitle={t('common.forbidden')} />;
  return <>{children}</>;
}
