/** Sign-in: a local account with password and one-time code, the identity provider when configured, demo roles in development. */
import { Alert, Button, Card, Divider, Flex, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import { homeOf, passwordChangePath, useSession, type AuthProviders, type Role } from './session';

/** Where to go after signing in: the page asked for, if it is public or in the person's own area; else their home. */
export function nextFor(role: Role, next: string | null): string {
  const home = homeOf(role);
  if (!next || !next.startsWith('/') || next.startsWith('//')) return home;
  const area = /^\/(console|portal|expert)(\/|$)/.exec(next)?.[1];
  if (area && !home.startsWith(`/${area}`)) return home;
  return next;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { session, login, devLogin } = useSession();
  const [params] = useSearchParams();
  const [providers, setProviders] = useState<AuthProviders | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<AuthProviders>('/api/auth/providers').then(setProviders, (e: Error) => setError(e.message));
  }, []);

  if (session) {
    const next = nextFor(session.principal.role, params.get('next'));
    return <Navigate to={session.passwordChangeRequired ? passwordChangePath(next) : next} replace />;
  }

  const onFinish = async (v: { username: string; password: string; totp?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.username, v.password, v.totp);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'SecondFactorRequired') setNeedTotp(true);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap="middle" align="center">
      <Card title={t('login.title')} style={{ width: 420, maxWidth: '100%' }}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        {providers?.local !== false && (
          <Form layout="vertical" onFinish={(v: { username: string; password: string; totp?: string }) => void onFinish(v)} disabled={busy}>
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true }]}>
              <Input autoComplete="username" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            {needTotp && (
              <Form.Item name="totp" label={t('login.totp')} rules={[{ required: true, pattern: /^\d{6}$/ }]}>
                <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
              </Form.Item>
            )}
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('login.submit')}
            </Button>
          </Form>
        )}
        {providers?.oidc && (
          <>
            <Divider />
            <Button block href={providers.oidc.loginUrl}>
              {t('login.oidc')} ({providers.oidc.name})
            </Button>
          </>
        )}
      </Card>
      {providers?.dev && (
        <Card title={t('login.demo')} style={{ width: 420, maxWidth: '100%' }} data-testid="demo-logins">
          <Typography.Paragraph type="secondary">{t('login.demoHint')}</Typography.Paragraph>
          <Flex vertical gap="small">
            {providers.dev.users.map((u) => (
              <Flex key={u.id} justify="space-between" align="center" gap="small">
                <div>
                  <Typography.Text strong>{u.name}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">{`${t(`roles.${u.role}`)} · ${u.unit}`}</Typography.Text>
                </div>
                <Button size="small" data-testid={`demo-login-${u.id}`} onClick={() => void devLogin(u.id).catch((e: Error) => setError(e.message))}>
                  {t('login.submit')}
                </Button>
              </Flex>
            ))}
          </Flex>
        </Card>
      )}
    </Flex>
  );
}
