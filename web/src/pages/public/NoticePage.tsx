/**
 * One public notice (R7.4): the proposed list, until when objections are accepted and why that day
 * (5 working days, the days skipped), and the objection form — anyone, no account
 * (`POST /api/public/notices/:roundId/objections`, rate-limited). The form is rendered from the
 * endpoint's body schema in /openapi.json.
 * Test ids: `notice-detail`, `notice-rule`, `notice-end-date`, `objection-application`, `objection-text`,
 * `objection-contact`, `objection-submit`, `objection-filed`, `objection-error`.
 */
import { Alert, Button, Card, Descriptions, Result, Space, Spin, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { ProvisionalTag } from '../../components/DeadlineExplained';
import { ApiErrorAlert, FieldTestIds } from '../../components/ParticipantBits';
import { bodySchema, choiceNotPrefilled, labelledEnum, participantApi, unanswered, type PublicNotice } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { SchemaForm, type JsonSchema } from '../../components/SchemaForm';
import { useRemote } from '../../components/useRemote';
import { PublicNav } from './PublicNav';

type FieldError = { field: string; message: string };

export function NoticePage() {
  const { t } = useTranslation('public');
  const fmt = useParticipantFormat();
  const { id = '' } = useParams();
  const notices = useRemote(() => participantApi.notices({ limit: 100 }), []);
  const schema = useRemote(() => bodySchema('/api/public/notices/{roundId}/objections'), []);
  const notice = notices.data?.items.find((n) => n.roundId === id);

  return (
    <div>
      <PublicNav />
      <Link to="/notices">{t('notice.back')}</Link>
      <ApiErrorAlert error={notices.error ?? schema.error} />
      {notices.loading && !notices.data ? (
        <Spin style={{ display: 'block', margin: 48 }} />
      ) : !notice ? (
        <Result status="404" title={t('notices.notFound')} />
      ) : (
        <NoticeDetail notice={notice} schema={schema.data} fmt={fmt} />
      )}
    </div>
  );
}

function NoticeDetail({ notice, schema, fmt }: { notice: PublicNotice; schema: JsonSchema | undefined; fmt: ReturnType<typeof useParticipantFormat> }) {
  const { t } = useTranslation('public');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const ended = notice.endsAt !== null && Date.parse(notice.endsAt) < Date.now();
  const endDate = notice.endDate ? fmt.day(notice.endDate) : '—';

  const form = useMemo(() => {
    if (!schema) return null;
    const labels = notice.list.map((l) => [l.institution?.name, l.occupation ? `${l.occupation.name} (${l.occupation.code})` : null].filter(Boolean).join(' — ') || l.application);
    const application = labelledEnum(
      notice.list.map((l) => l.application),
      labels,
    );
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const localSchema: JsonSchema = choiceNotPrefilled({ ...schema, properties: { ...props, application: { ...props.application, ...application.schema } } }, 'application');
    const ui = {
      'ui:order': ['application', 'text', 'contact'],
      application: { 'ui:title': `${t('notice.application')} *`, ...application.ui },
      text: { 'ui:title': t('notice.text'), 'ui:widget': 'textarea', 'ui:options': { rows: 5 } },
      contact: { 'ui:title': t('notice.contact') },
    };
    // A list of one: nothing to choose.
    const initial = notice.list.length === 1 ? { application: notice.list[0]!.application } : undefined;
    return { schema: localSchema, ui, initial };
  }, [schema, notice, t]);

  const serverErrors = error instanceof ApiError ? ((error.details as { fields?: FieldError[] } | undefined)?.fields ?? undefined) : undefined;

  const submit = async (data: Record<string, unknown>) => {
    const missing = unanswered(data, { application: t('notice.application') });
    if (missing.length > 0) return setError(new Error(fmt.t('error.choose', { fields: missing.join('、') })));
    setBusy(true);
    setError(null);
    try {
      await participantApi.fileObjection(notice.roundId, data);
      setFiled(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="notice-detail">
      <Typography.Title level={3}>{t('notice.title', { documentNumber: notice.documentNumber })}</Typography.Title>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'organiser', label: t('notice.organiser'), children: fmt.unit(notice.organiser) },
          { key: 'kind', label: t('notice.kind'), children: fmt.kind(notice.kind) },
          { key: 'started', label: t('notice.started'), children: fmt.instant(notice.startedAt) },
          {
            key: 'ends',
            label: t('notice.ends'),
            children: (
              <Space wrap>
                <Typography.Text strong data-testid="notice-end-date">
                  {t('notice.endsAt', { date: endDate })}
                </Typography.Text>
                {notice.provisional && <ProvisionalTag fmt={fmt} />}
                {ended && <Tag>{t('notices.closed')}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      <Alert
        type="info"
        showIcon
        data-testid="notice-rule"
        style={{ marginBottom: 16 }}
        title={t('notice.ruleTitle')}
        description={
          <Space orientation="vertical">
            <span>{t('notice.rule', { date: endDate })}</span>
            {notice.provisional && <Typography.Text type="warning">{t('notice.provisional')}</Typography.Text>}
            {notice.explanation && (
              <span>
                <Typography.Text type="secondary">{fmt.t('common.labelled', { label: t('notice.how'), value: '' })}</Typography.Text>
                {fmt.t('deadline.start', { start: fmt.day(notice.explanation.start) })} · {fmt.t('deadline.offset.workingDays', { n: 5 })} ·{' '}
                {notice.explanation.skipped.length === 0
                  ? fmt.t('deadline.skippedNone')
                  : fmt.t('common.labelled', { label: fmt.t('deadline.skippedList'), value: notice.explanation.skipped.map((s) => `${fmt.day(s.date)}${fmt.t('common.paren', { text: fmt.skipReason(s.reason) })}`).join(fmt.lang === 'en' ? ', ' : '、') })}
              </span>
            )}
          </Space>
        }
      />
      <Card title={t('notice.list')} size="small" style={{ marginBottom: 16 }}>
        <Table
          size="small"
          rowKey="application"
          pagination={false}
          dataSource={notice.list}
          columns={[
            { key: 'institution', title: t('notice.institution'), render: (_, l) => l.institution?.name ?? '—' },
            { key: 'province', title: t('notice.province'), render: (_, l) => fmt.province(l.institution?.province) },
            { key: 'occupation', title: t('notice.occupation'), render: (_, l) => (l.occupation ? `${l.occupation.name} (${l.occupation.code})` : '—') },
          ]}
        />
      </Card>
      <Card title={t('notice.objection')} size="small">
        {ended ? (
          <Alert type="warning" showIcon title={t('notice.closed')} />
        ) : filed ? (
          <Result
            status="success"
            title={<span data-testid="objection-filed">{t('notice.filed')}</span>}
            subTitle={t('notice.filedDetail')}
            extra={
              <Button
                onClick={() => {
                  setFiled(false);
                  setAttempt((n) => n + 1);
                }}
              >
                {t('notice.another')}
              </Button>
            }
          />
        ) : !form ? (
          <Spin />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('notice.objectionHelp')}</Typography.Paragraph>
            <ApiErrorAlert error={error} testId="objection-error" />
            <FieldTestIds prefix="objection">
              <SchemaForm key={attempt} schema={form.schema} uiSchema={form.ui} formData={form.initial} onSubmit={submit} busy={busy} submitText={t('notice.submit')} submitTestId="objection-submit" serverErrors={serverErrors} />
            </FieldTestIds>
          </>
        )}
      </Card>
    </div>
  );
}
