/**
 * Applying (R7.1, R7.2): the selection notices open for applications (`GET /api/public/selection-notices?open=true`),
 * and the application form of one of them — the body schema of `POST /api/selection-rounds/:roundId/applications`
 * from /openapi.json, with the notice's occupations, the provinces and the R7.0 / R8.2 priority categories as
 * choices. A refusal is shown as the API names it (each intake rejection with its rule: window, occupation,
 * channel, territory, the R9.3 bar); an accepted application shows its R6 eligibility flags, which are notes
 * for the reviewer, not refusals.
 * Test ids: `apply-notices`, `apply-<roundId>`, `apply-form`, `portal-<field>`, `portal-submit`, `portal-error`,
 * `rejection-<CODE>`, `apply-done`, `apply-flags`.
 */
import { Alert, Button, Card, Descriptions, Empty, Result, Space, Spin, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { ApiErrorAlert, FieldTestIds } from '../../components/ParticipantBits';
import { bodySchema, choiceNotPrefilled, labelledEnum, participantApi, unanswered, type CaseView, type SelectionNotice } from '../../components/participantApi';
import { PROVINCE_CODES, useParticipantFormat } from '../../components/participantI18n';
import { SchemaForm, type JsonSchema } from '../../components/SchemaForm';
import { useRemote } from '../../components/useRemote';
import { caseLink } from './ListingsPage';
import { PortalNav } from './PortalNav';

const enc = encodeURIComponent;
const PRIORITIES = ['nationalStandardDeveloper', 'continuingEducationBase', 'industryOrganisation', 'leadingEnterprise', 'other'] as const;
/** Field names of the intake form that get the portal's own labels (the shared form knows the rest). */
const FIELD_TITLES = [
  'institution', 'province', 'occupationCodes', 'recommender', 'priority', 'facts', 'independentLegalPersonRegisteredInChina', 'registeredScope',
  'financialSystemSound', 'managementSystemSound', 'credit', 'illegality', 'dishonesty', 'majorEconomicDisputes', 'influence', 'fullTimeStaff',
  'faculty', 'facilities', 'fit', 'yearsOfExperience', 'personTimes', 'acceptsSupervision',
];

export function ApplyPage() {
  const { t } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const notices = useRemote(() => participantApi.selectionNotices({ open: true, limit: 50 }), []);
  return (
    <div>
      <PortalNav />
      <Typography.Title level={3}>{t('apply.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('apply.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={notices.error} />
      <Card title={t('apply.notices')} size="small">
        <div data-testid="apply-notices">
          {notices.loading && !notices.data ? (
            <Spin />
          ) : (notices.data?.items ?? []).length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('apply.none')} />
          ) : (
            (notices.data?.items ?? []).map((n, i) => (
              <div key={n.roundId} style={{ display: 'flex', gap: 16, alignItems: 'center', justifyContent: 'space-between', padding: '12px 0', borderTop: i === 0 ? undefined : '1px solid rgba(5, 5, 5, 0.06)' }}>
                <div>
                  <Typography.Text strong>{n.title}</Typography.Text>
                  <div>
                    <NoticeFacts n={n} fmt={fmt} />
                  </div>
                </div>
                <Link to={`/portal/apply/${enc(n.roundId)}`}>
                  <Button type="primary" data-testid={`apply-${n.roundId}`}>
                    {t('apply.start')}
                  </Button>
                </Link>
              </div>
            ))
          )}
        </div>
      </Card>
    </div>
  );
}

function NoticeFacts({ n, fmt }: { n: SelectionNotice; fmt: ReturnType<typeof useParticipantFormat> }) {
  const { t } = useTranslation('portal');
  return (
    <Space orientation="vertical" size={2}>
      <span>
        {fmt.t('common.labelled', { label: t('apply.documentNumber'), value: n.documentNumber })} · {fmt.t('common.labelled', { label: t('apply.organiser'), value: fmt.unit(n.organiser) })} ·{' '}
        {fmt.t('common.labelled', { label: t('apply.kind'), value: fmt.kind(n.kind) })}
      </span>
      <span>
        {fmt.t('common.labelled', { label: t('apply.window'), value: t('apply.windowText', { opens: fmt.day(n.applicationWindow.opens), closes: fmt.day(n.applicationWindow.closes) }) })}
      </span>
      <span>
        {fmt.t('common.labelled', { label: t('apply.occupations'), value: '' })}
        {n.occupations.map((o) => (
          <Tag key={o.code}>
            {o.name} ({o.code})
          </Tag>
        ))}
      </span>
    </Space>
  );
}

export function ApplyFormPage() {
  const { t } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const { roundId = '' } = useParams();
  const notices = useRemote(() => participantApi.selectionNotices({ open: true, limit: 100 }), []);
  const schema = useRemote(() => bodySchema('/api/selection-rounds/{roundId}/applications'), []);
  const notice = notices.data?.items.find((n) => n.roundId === roundId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CaseView[] | null>(null);

  const form = useMemo(() => {
    if (!schema.data || !notice) return null;
    const root = schema.data;
    const props = (root.properties ?? {}) as Record<string, JsonSchema>;
    const inst = props.institution ?? { type: 'object', properties: {} };
    const instProps = (inst.properties ?? {}) as Record<string, JsonSchema>;
    const province = labelledEnum(PROVINCE_CODES, PROVINCE_CODES.map((c) => `${fmt.province(c)} (${c})`));
    const occupations = labelledEnum(
      notice.occupations.map((o) => o.code),
      notice.occupations.map((o) => `${o.name} (${o.code})`),
    );
    const priority = labelledEnum(PRIORITIES, PRIORITIES.map((p) => fmt.priority(p)));
    const localSchema: JsonSchema = choiceNotPrefilled(
      {
        ...root,
        properties: {
          ...props,
          institution: choiceNotPrefilled({ ...inst, properties: { ...instProps, province: { ...instProps.province, ...province.schema } } }, 'province'),
          occupationCodes: { ...props.occupationCodes, items: occupations.schema, uniqueItems: true },
          priority: priority.schema,
        },
      },
      'priority',
    );
    const title = (k: string) => ({ 'ui:title': t(`apply.fields.${k}`) });
    const titled = (schemaNode: JsonSchema): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((schemaNode.properties ?? {}) as Record<string, JsonSchema>)) {
        const child: Record<string, unknown> = FIELD_TITLES.includes(k) ? title(k) : {};
        if (v.type === 'object') Object.assign(child, titled(v));
        if (v.type === 'array' && v.items && typeof v.items === 'object' && (v.items as JsonSchema).type === 'object') child.items = titled(v.items as JsonSchema);
        out[k] = child;
      }
      return out;
    };
    const base = titled(localSchema);
    const ui = {
      ...base,
      'ui:order': ['institution', 'occupationCodes', 'recommender', 'priority', 'facts'],
      institution: { ...(base.institution as object), name: { 'ui:title': t('apply.fields.name') }, province: { 'ui:title': `${t('apply.fields.province')} *`, ...province.ui } },
      occupationCodes: { ...title('occupationCodes'), 'ui:widget': 'checkboxes', items: occupations.ui },
      recommender: { ...title('recommender'), 'ui:help': t('apply.recommenderHelp'), 'ui:placeholder': 'province:44' },
      priority: { 'ui:title': `${t('apply.fields.priority')} *`, ...priority.ui },
      facts: { ...(base.facts as object), ...title('facts'), registeredScope: { ...title('registeredScope'), 'ui:widget': 'textarea' }, influence: { ...title('influence'), 'ui:widget': 'textarea' } },
    };
    const initial = { occupationCodes: notice.occupations.length === 1 ? [notice.occupations[0]!.code] : [], institution: {}, facts: {} };
    return { schema: localSchema, ui, initial };
  }, [schema.data, notice, fmt, t]);

  const codes = (code: string) => (t(`apply.codes.${code}`, { defaultValue: '' }) || undefined);
  const serverErrors = error instanceof ApiError ? ((error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? undefined) : undefined;

  const submit = async (data: Record<string, unknown>) => {
    const missing = [
      ...unanswered(data.institution as Record<string, unknown> | undefined, { province: t('apply.fields.province') }),
      ...unanswered(data, { priority: t('apply.fields.priority') }),
    ];
    if (missing.length > 0) return setError(new Error(fmt.t('error.choose', { fields: missing.join('、') })));
    setBusy(true);
    setError(null);
    try {
      const r = await participantApi.apply(roundId, data);
      setCreated(r.applications);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PortalNav />
      <Link to="/portal/apply">{t('apply.back')}</Link>
      <ApiErrorAlert error={notices.error ?? schema.error} />
      {(notices.loading && !notices.data) || (schema.loading && !schema.data) ? (
        <Spin style={{ display: 'block', margin: 48 }} />
      ) : !notice ? (
        <Result status="404" title={t('apply.notFound')} />
      ) : created ? (
        <Result
          status="success"
          title={<span data-testid="apply-done">{t('apply.success')}</span>}
          subTitle={t('apply.successDetail')}
          extra={
            <Space orientation="vertical" style={{ textAlign: 'left' }}>
              {created.map((c) => {
                const s = c.summary as { occupation: { code: string; name: string }; flags: { rule: string; check: string; reason: string }[] };
                return (
                  <Card key={c.caseId} size="small" title={`${s.occupation.name} (${s.occupation.code})`} extra={<Link to={caseLink(c.caseId)}>{t('apply.view')}</Link>}>
                    <Tag>{fmt.status('application', c.status)}</Tag>
                    {s.flags.length > 0 && (
                      <Alert
                        type="warning"
                        showIcon
                        style={{ marginTop: 8 }}
                        data-testid="apply-flags"
                        title={t('apply.flagsTitle')}
                        description={
                          <Space orientation="vertical" size={2}>
                            <Typography.Text type="secondary">{t('apply.flagsHelp')}</Typography.Text>
                            {s.flags.map((f, i) => (
                              <span key={i}>
                                <Tag>{f.rule}</Tag>
                                {fmt.eligibility(f.check)} — {f.reason}
                              </span>
                            ))}
                          </Space>
                        }
                      />
                    )}
                  </Card>
                );
              })}
            </Space>
          }
        />
      ) : (
        <Card title={t('apply.formTitle', { title: notice.title })} size="small" data-testid="apply-form" style={{ marginTop: 8 }}>
          <Descriptions
            size="small"
            column={1}
            style={{ marginBottom: 16 }}
            items={[
              { key: 'doc', label: t('apply.documentNumber'), children: notice.documentNumber },
              { key: 'org', label: t('apply.organiser'), children: `${fmt.unit(notice.organiser)} · ${fmt.kind(notice.kind)}` },
              { key: 'window', label: t('apply.window'), children: t('apply.windowText', { opens: fmt.day(notice.applicationWindow.opens), closes: fmt.day(notice.applicationWindow.closes) }) },
            ]}
          />
          {error ? (
            <div data-testid="apply-rejected">
              <ApiErrorAlert error={error} codes={codes} testId="portal-error" />
            </div>
          ) : null}
          {form && (
            <FieldTestIds prefix="portal">
              <SchemaForm schema={form.schema} uiSchema={form.ui} formData={form.initial} onSubmit={submit} busy={busy} submitText={t('submit')} submitTestId="portal-submit" serverErrors={serverErrors} />
            </FieldTestIds>
          )}
        </Card>
      )}
    </div>
  );
}
