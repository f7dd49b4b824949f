/**
 * Change your own password (POST /api/auth/password). A session signed in with a one-time password (an
 * admin's `create` or `reset-password`) is sent here before anything else, as the API refuses it all
 * else (403 PasswordChangeRequired); anyone signed in with a password may come here from the user menu.
 */
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import { nextFor } from './LoginPage';
import { useSession } from './session';

/** The policy the API enforces (config/security.ts SECURITY_POLICY.password), checked here first to spare a round trip. */
const MIN_LENGTH = 12;
const MIN_CLASSES = 3;
const classes = (s: string) => [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((r) => r.test(s)).length;

export function ChangePasswordPage() {
  const { t } = useTranslation();
  const { session, loading, refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (loading) return null;
  if (!session) return <Navigate to={`/login?next=${encodeURIComponent('/account/password')}`} replace />;
  const required = session.passwordChangeRequired === true;

  const onFinish = async (v: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      await refresh();
      void navigate(nextFor(session.principal.role, params.get('next')), { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'InvalidCredentials' ? t('password.wrongCurrent') : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap="middle" align="center">
      <Card title={t('password.title')} style={{ width: 460, maxWidth: '100%' }} data-testid="change-password">
        {required && <Alert type="warning" showIcon title={t('password.required')} style={{ marginBottom: 16 }} data-testid="password-change-required" />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="password-error" />}
        <Typography.Paragraph type="secondary">{t('password.policy', { min: MIN_LENGTH, classes: MIN_CLASSES })}</Typography.Paragraph>
        <Form layout="vertical" onFinish={(v: { currentPassword: string; newPassword: string }) => void onFinish(v)} disabled={busy}>
          <Form.Item name="currentPassword" label={t(required ? 'password.oneTime' : 'password.current')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('password.new')}
            rules={[
              { required: true },
              { min: MIN_LENGTH, message: t('password.tooShort', { min: MIN_LENGTH }) },
              { validator: async (_, v: string | undefined) => (!v || classes(v) >= MIN_CLASSES ? undefined : Promise.reject(new Error(t('password.tooSimple', { classes: MIN_CLASSES })))) },
            ]}
            hasFeedback
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: async (_, v: string | undefined) => (!v || v === getFieldValue('newPassword') ? undefined : Promise.reject(new Error(t('password.mismatch')))),
              }),
            ]}
            hasFeedback
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('password.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
