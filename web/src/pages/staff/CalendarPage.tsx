/**
 * The working-day calendar (admin): a year's non-standard days and where they come from, the
 * provisional deadlines of running cases, and loading the year's official State Council
 * arrangement (PUT /api/calendar/years/:year, form from /openapi.json, or pasted JSON). After a load
 * the page follows the recomputation: each provisional deadline before and after, with a progress bar.
 * Test ids: `calendar-year`, `calendar-provisional`, `calendar-load`, `calendar-recompute-progress`, `calendar-recomputed`.
 */
import { App, Alert, Button, Card, Col, Input, InputNumber, Progress, Row, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { SchemaForm, type JsonSchema } from '../../components/SchemaForm';
import { useRemote } from '../../components/useRemote';
import { ApiError } from '../../api/client';
import { requestBodySchema, staffApi, type DeadlineRow } from './api';
import { CaseLink, ErrorAlert } from './components';
import { useFmt } from './format';

interface Recomputed {
  caseId: string;
  name: string;
  before: DeadlineRow;
  after: DeadlineRow | undefined;
}

export function CalendarPage() {
  const fmt = useFmt();
  const { message } = App.useApp();
  const [year, setYear] = useState(new Date().getFullYear() + 1);
  const current = useRemote(() => staffApi.calendarYear(year), [year]);
  const provisional = useRemote(() => staffApi.deadlines({ provisional: true }), []);
  const schema = useRemote(() => requestBodySchema('put', '/api/calendar/years/{year}'), []);
  const [formData, setFormData] = useState<Record<string, unknown> | undefined>();
  const [formKey, setFormKey] = useState(0);
  const [json, setJson] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields?: { field: string; message: string }[] } | null>(null);
  const [loaded, setLoaded] = useState<{ year: number; holidays: number; workdays: number; casesToRecompute: number } | null>(null);
  const [tracking, setTracking] = useState<{ before: DeadlineRow[]; rows: Recomputed[]; done: number; total: number } | null>(null);

  useEffect(() => {
    if (!current.data) return;
    setFormData({ holidays: current.data.holidays, workdays: current.data.workdays, source: '' });
    setFormKey((k) => k + 1);
  }, [current.data]);

  const follow = async (before: DeadlineRow[], total: number) => {
    const caseIds = [...new Set(before.map((d) => d.caseId))].slice(0, 200);
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const after = caseIds.length ? (await staffApi.deadlines({ caseIds })).items : [];
      const rows = before.map((b) => ({ caseId: b.caseId, name: b.name, before: b, after: after.find((a) => a.caseId === b.caseId && a.name === b.name) }));
      const settled = new Set(rows.filter((r) => !r.after || !r.after.provisional || r.after.at !== r.before.at).map((r) => r.caseId));
      setTracking({ before, rows, done: Math.min(total, settled.size), total });
      if (settled.size >= caseIds.length) break;
    }
    void provisional.reload();
  };

  const submit = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const before = (await staffApi.deadlines({ provisional: true, year })).items;
      const r = await staffApi.loadCalendarYear(year, body);
      setLoaded(r);
      void message.success(fmt.t('calendar.loaded', { year: r.year, holidays: fmt.num(r.holidays), workdays: fmt.num(r.workdays), cases: fmt.num(r.casesToRecompute) }));
      void current.reload();
      setTracking({ before, rows: [], done: 0, total: new Set(before.map((d) => d.caseId)).size });
      void follow(before, new Set(before.map((d) => d.caseId)).size);
    } catch (e) {
      setError({ message: e instanceof Error ? e.message : String(e), fields: e instanceof ApiError ? (e.details as { fields?: { field: string; message: string }[] } | undefined)?.fields : undefined });
    } finally {
      setBusy(false);
    }
  };

  const applyJson = () => {
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      setFormData({ holidays: parsed.holidays ?? [], workdays: parsed.workdays ?? [], source: parsed.source ?? '' });
      setFormKey((k) => k + 1);
    } catch {
      void message.error(fmt.t('calendar.badJson'));
    }
  };

  const dayColumns = [
    { title: fmt.t('case.date'), dataIndex: 'date', render: (d: string) => fmt.date(d) },
    { title: fmt.t('imports.name'), dataIndex: 'name' },
  ];

  return (
    <div>
      <Space style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {fmt.t('calendar.title')}
        </Typography.Title>
        <Space.Compact>
          <Button disabled>{fmt.t('calendar.year')}</Button>
          <InputNumber data-testid="calendar-year" min={2004} max={2099} value={year} onChange={(v) => v && setYear(v)} />
        </Space.Compact>
      </Space>

      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={`${year} · ${fmt.t('calendar.source')}`} style={{ marginBottom: 16 }}>
            <ErrorAlert error={current.error} />
            {current.data && (
              <>
                <Space style={{ marginBottom: 8 }}>
                  <Tag color={current.data.provisional ? 'gold' : 'green'}>{fmt.t(`calendar.sources.${current.data.source}`, { defaultValue: current.data.source })}</Tag>
                </Space>
                <Row gutter={8}>
                  <Col span={12}>
                    <Typography.Text strong>{fmt.t('calendar.holidays')}</Typography.Text>
                    <Table size="small" rowKey="date" pagination={{ pageSize: 10, hideOnSinglePage: true }} dataSource={current.data.holidays} columns={dayColumns} />
                  </Col>
                  <Col span={12}>
                    <Typography.Text strong>{fmt.t('calendar.workdays')}</Typography.Text>
                    <Table size="small" rowKey="date" pagination={{ pageSize: 10, hideOnSinglePage: true }} dataSource={current.data.workdays} columns={dayColumns} />
                  </Col>
                </Row>
              </>
            )}
          </Card>
          <Card size="small" title={fmt.t('calendar.provisional')} style={{ marginBottom: 16 }} data-testid="calendar-provisional">
            <ErrorAlert error={provisional.error} />
            <Typography.Paragraph>{fmt.t('calendar.provisionalCount', { count: fmt.num(provisional.data?.items.length ?? 0), cases: fmt.num(provisional.data?.cases ?? 0) })}</Typography.Paragraph>
            <Table<DeadlineRow>
              size="small"
              rowKey={(d) => `${d.caseId}#${d.name}`}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={provisional.data?.items ?? []}
              columns={[
                { title: fmt.t('common.caseId'), render: (_: unknown, d) => <CaseLink caseId={d.caseId} caseType={d.caseType}>{fmt.caseType(d.caseType)}</CaseLink> },
                { title: fmt.t('case.deadlineName'), render: (_: unknown, d) => fmt.deadlineName(d.name) },
                { title: fmt.t('case.date'), render: (_: unknown, d) => fmt.date(d.date) },
                { title: fmt.t('case.skipped'), render: (_: unknown, d) => fmt.skippedRuns(d.explanation.skipped ?? []).join('、') || '—' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={fmt.t('calendar.load')} style={{ marginBottom: 16 }} data-testid="calendar-load">
            {error && <Alert type="error" showIcon title={fmt.t('decision.failed')} description={error.message} style={{ marginBottom: 16 }} />}
            {loaded && <Alert type="success" showIcon style={{ marginBottom: 16 }} title={fmt.t('calendar.loaded', { year: loaded.year, holidays: fmt.num(loaded.holidays), workdays: fmt.num(loaded.workdays), cases: fmt.num(loaded.casesToRecompute) })} />}
            <ErrorAlert error={schema.error} />
            {schema.data && formData && (
              <SchemaForm key={formKey} schema={schema.data as JsonSchema} formData={formData} onSubmit={submit} busy={busy} serverErrors={error?.fields} submitText={fmt.t('calendar.load')} submitTestId="decision-submit" />
            )}
            <Typography.Text type="secondary">{fmt.t('calendar.pasteJson')}</Typography.Text>
            <Input.TextArea rows={4} value={json} onChange={(e) => setJson(e.target.value)} placeholder='{"holidays":[{"date":"2027-01-01","name":"元旦"}],"workdays":[],"source":"国办发明电〔2026〕x号"}' />
            <Button style={{ marginTop: 8 }} onClick={applyJson} disabled={!json.trim()}>
              {fmt.t('calendar.useJson')}
            </Button>
          </Card>
          {tracking && (
            <Card size="small" title={fmt.t('calendar.recomputed')} data-testid="calendar-recomputed">
              <Progress
                data-testid="calendar-recompute-progress"
                percent={tracking.total ? Math.round((tracking.done / tracking.total) * 100) : 100}
                format={() => fmt.t('calendar.recomputeProgress', { done: fmt.num(tracking.done), total: fmt.num(tracking.total) })}
                status={tracking.done < tracking.total ? 'active' : 'success'}
              />
              <Table<Recomputed>
                size="small"
                rowKey={(r) => `${r.caseId}#${r.name}`}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                dataSource={tracking.rows}
                columns={[
                  { title: fmt.t('common.caseId'), render: (_: unknown, r) => <CaseLink caseId={r.caseId}>{fmt.caseType(r.before.caseType)}</CaseLink> },
                  { title: fmt.t('case.deadlineName'), render: (_: unknown, r) => fmt.deadlineName(r.name) },
                  { title: fmt.t('calendar.before'), render: (_: unknown, r) => <Space size={2}>{fmt.date(r.before.date)}<Tag color="gold">{fmt.t('common.provisional')}</Tag></Space> },
                  {
                    title: fmt.t('calendar.after'),
                    render: (_: unknown, r) =>
                      r.after ? (
                        <Space size={2}>
                          {fmt.date(r.after.date)}
                          {r.after.date === r.before.date && <Tag>{fmt.t('calendar.unchanged')}</Tag>}
                          {r.after.provisional && <Tag color="gold">{fmt.t('common.provisional')}</Tag>}
                        </Space>
                      ) : (
                        '—'
                      ),
                  },
                ]}
              />
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
