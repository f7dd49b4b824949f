/**
 * Small pieces the public, portal and expert pages share: the API's error as the page shows it (its
 * message names the rule or the field; intake rejections and field errors listed one by one), and a
 * scope that gives the shared schema form's fields test ids (`<prefix>-<field path>`), since the
 * form's inputs carry rjsf's ids (`root_text`, `root_contact_email`) and nothing else.
 */
import { Alert, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useParticipantFormat } from './participantI18n';

interface Rejection {
  code?: string;
  rule?: string;
  message?: string;
}

/** An ApiError (or any error) in the one shape the pages show. `codes` translates known error codes. */
export function ApiErrorAlert({ error, codes, testId }: { error: unknown; codes?: (code: string) => string | undefined; testId?: string }) {
  const fmt = useParticipantFormat();
  if (!error) return null;
  const e = error instanceof Error ? error : new Error(String(error));
  const details = (e instanceof ApiError ? e.details : undefined) as { rule?: string; fields?: { field: string; message: string; rule?: string }[]; rejections?: Rejection[] } | undefined;
  const rejections = details?.rejections ?? [];
  const fields = details?.fields ?? [];
  const title = e instanceof ApiError && e.status === 429 ? fmt.t('error.rateLimited') : e instanceof ApiError ? (codes?.(e.code) ?? fmt.t('error.title')) : fmt.t('error.title');
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testId}
      style={{ marginBottom: 16 }}
      title={
        <Space wrap>
          <span>{title}</span>
          {details?.rule && <Tag color="red">{details.rule}</Tag>}
        </Space>
      }
      description={
        <Space orientation="vertical" style={{ width: '100%' }}>
          {rejections.length === 0 && <Typography.Text>{e.message}</Typography.Text>}
          {rejections.map((r, i) => (
            <div key={i} data-testid={r.code ? `rejection-${r.code}` : undefined}>
              <Space wrap>
                {r.rule && <Tag color="red">{r.rule}</Tag>}
                {r.code && <Typography.Text strong>{codes?.(r.code) ?? r.code}</Typography.Text>}
                <Typography.Text>{r.message}</Typography.Text>
              </Space>
            </div>
          ))}
          {fields.map((f, i) => (
            <div key={i}>
              <Space wrap>
                {f.rule && <Tag>{f.rule}</Tag>}
                <Typography.Text code>{f.field}</Typography.Text>
                <Typography.Text>{f.message}</Typography.Text>
              </Space>
            </div>
          ))}
        </Space>
      }
    />
  );
}

/**
 * Gives every field of the schema forms inside it a test id: rjsf's `root_text` becomes
 * `<prefix>-text`, `root_contact_email` `<prefix>-contact-email`, radio options `<prefix>-recommend-0`.
 * Re-applied whenever the form's DOM changes (items added, fields shown).
 */
export function FieldTestIds({ prefix, children }: { prefix: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const apply = () => {
      root.querySelectorAll<HTMLElement>('[id^="root_"]').forEach((el) => {
        if (el.id.includes('__')) return;
        const id = `${prefix}-${el.id.slice('root_'.length).replace(/_/g, '-')}`;
        if (el.getAttribute('data-testid') !== id) el.setAttribute('data-testid', id);
      });
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [prefix]);
  return <div ref={ref}>{children}</div>;
}
