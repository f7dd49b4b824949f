/**
 * Starts a case from a form rendered from the request body's JSON schema in /openapi.json (a
 * selection plan, a random inspection, a rectification order): the same @rjsf/antd form as the
 * decision forms, the API's field errors shown at their fields.
 */
import { Alert, App, Button, Modal, Spin } from 'antd';
import { useState, type ReactNode } from 'react';
import type { UiSchema } from '@rjsf/utils';
import { api, ApiError } from '../../api/client';
import { SchemaForm, type JsonSchema } from '../../components/SchemaForm';
import { useRemote } from '../../components/useRemote';
import { requestBodySchema, type CaseView } from './api';
import { ErrorAlert } from './components';
import { useFmt } from './format';

export interface CreateModalProps {
  /** The route as /openapi.json names it, e.g. `/api/selection-plans`. */
  path: string;
  title: ReactNode;
  submitText: ReactNode;
  formData?: Record<string, unknown>;
  uiSchema?: UiSchema;
  /** Values always sent, whatever the form holds (e.g. the listing an order is about). */
  fixed?: Record<string, unknown>;
  onClose: () => void;
  onCreated: (created: CaseView) => void;
  testId?: string;
}

export function CreateModal({ path, title, submitText, formData, uiSchema, fixed, onClose, onCreated, testId }: CreateModalProps) {
  const fmt = useFmt();
  const { message } = App.useApp();
  const schema = useRemote(() => requestBodySchema('post', path), [path]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields?: { field: string; message: string }[] } | null>(null);
  const submit = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CaseView>(path, { ...body, ...fixed });
      void message.success(fmt.t('decision.done', { action: created.caseId }));
      onCreated(created);
    } catch (e) {
      setError({ message: e instanceof Error ? e.message : String(e), fields: e instanceof ApiError ? (e.details as { fields?: { field: string; message: string }[] } | undefined)?.fields : undefined });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={title} onCancel={onClose} footer={null} width={760} destroyOnHidden data-testid={testId}>
      {error && <Alert type="error" showIcon title={fmt.t('decision.failed')} description={error.message} style={{ marginBottom: 16 }} data-testid="create-error" />}
      <ErrorAlert error={schema.error} />
      {schema.data ? (
        <SchemaForm
          schema={schema.data as JsonSchema}
          formData={formData}
          uiSchema={uiSchema}
          onSubmit={submit}
          busy={busy}
          serverErrors={error?.fields}
          submitText={submitText}
          submitTestId="decision-submit"
          extra={<Button onClick={onClose}>{fmt.t('common.cancel')}</Button>}
        />
      ) : (
        <Spin />
      )}
    </Modal>
  );
}
