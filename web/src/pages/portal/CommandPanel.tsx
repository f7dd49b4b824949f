/**
 * One command of one of the institution's cases as a form: the payload schema of its typed route
 * (`POST /api/<cases>/:caseId/<command>`, from /openapi.json) rendered by the shared schema form, the
 * rule it exercises explained above it, the API's refusal (naming the rule or the field) shown as it is.
 * Test ids: `portal-form-<COMMAND>`, `portal-<field>` for each field, `portal-submit`, `portal-error`.
 */
import { Alert, Button, Card, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { ApiErrorAlert, FieldTestIds } from '../../components/ParticipantBits';
import { commandSchema, participantApi, type CaseView } from '../../components/participantApi';
import { SchemaForm } from '../../components/SchemaForm';
import { useRemote } from '../../components/useRemote';

type FieldError = { field: string; message: string };

export function actionLabel(t: (k: string) => string, exists: (k: string) => boolean, type: string, fallback: string): string {
  return exists(`actions.${type}`) ? t(`actions.${type}`) : fallback;
}

export function CommandPanel({ c, action, title, initial, onDone, onCancel }: { c: CaseView; action: string; title: string; initial?: Record<string, unknown>; onDone: () => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation('portal');
  const schema = useRemote(() => commandSchema(c.caseType, action), [c.caseType, action]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const helpKey = c.caseType === 'application' && action === 'WITHDRAW' ? 'APPLICATION_WITHDRAW' : action;
  const help = i18n.exists(`actionHelp.${helpKey}`, { ns: 'portal' }) ? t(`actionHelp.${helpKey}`) : null;
  const serverErrors = error instanceof ApiError ? ((error.details as { fields?: FieldError[] } | undefined)?.fields ?? undefined) : undefined;

  const submit = async (data: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await participantApi.command(c.caseType, c.caseId, action, data);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={title} size="small" style={{ marginBottom: 16 }} data-testid={`portal-form-${action}`}>
      {help && <Alert type="info" showIcon title={help} style={{ marginBottom: 16 }} />}
      <ApiErrorAlert error={error ?? schema.error} testId="portal-error" />
      {!schema.data ? (
        <Spin />
      ) : (
        <FieldTestIds prefix="portal">
          <SchemaForm schema={schema.data} formData={initial} onSubmit={submit} busy={busy} submitText={t('submit')} submitTestId="portal-submit" serverErrors={serverErrors} extra={<Button onClick={onCancel}>{t('case.back')}</Button>} />
        </FieldTestIds>
      )}
    </Card>
  );
}
