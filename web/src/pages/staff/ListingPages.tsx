/**
 * Listings (目录条目): the list of listing cases in my jurisdiction, and one listing's page — its
 * validity period, renewal, the reminders sent and upcoming, its annual reports and their reviews,
 * overdue reports, rectification orders, and the button that orders rectification (POST
 * /api/rectifications, its form rendered from the request schema in /openapi.json).
 * Test ids: `listings-table`, `listing-page`, `listing-validity`, `listing-reminders-sent`,
 * `listing-reminders-upcoming`, `listing-annual-reports`, `listing-rectifications`, `start-rectification`.
 */
import { ReloadOutlined, ToolOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Input, Progress, Result, Row, Space, Spin, Table, Tag, Typography, type TableColumnsType, type TableProps } from 'antd';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useRemote } from '../../components/useRemote';
import { enc, staffApi, type CaseView, type HistoryEntry } from './api';
import { DiagramCard, NotificationsCard, TasksCard } from './CasePage';
import { CaseLink, DeadlinesTable, ErrorAlert, StatusTag } from './components';
import { CreateModal } from './CreateModal';
import { useFmt } from './format';
import { ValueView } from './ValueView';

interface ListingSummary {
  listingId: string;
  kind: string;
  institution: { id: string; name: string; province: string };
  occupation: { code: string; name: string };
  organiser: string;
  recommender: string;
  period: number;
  validFrom: string;
  validUntil: string;
  status: string;
  contact?: Record<string, string>;
  renewalDeadline: string;
  renewal: { status: string; filedOn: string | null };
  annualReports: number[];
  reportingYear: number;
  overdueReports: { year: number; level: number; followedUp: boolean }[];
  withdrawal: { effectiveOn: string } | null;
  rectifications: { caseId: string; rules: string[]; status: string }[];
  bar: { until: string } | null;
}

/** A paged list of cases of one type in my jurisdiction (GET /api/console/cases), shared by the list pages. */
export function CaseListTable({ caseType, columns, testId, expandable }: { caseType: string; testId: string; columns: TableColumnsType<CaseView>; expandable?: TableProps<CaseView>['expandable'] }) {
  const fmt = useFmt();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const pageSize = Math.min(200, Math.max(5, Number(params.get('pageSize') ?? 20) || 20));
  const q = params.get('q') ?? '';
  const sort = params.get('sort') === 'createdAt' ? 'createdAt' : 'updatedAt';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const list = useRemote(() => staffApi.cases({ caseType, skip: (page - 1) * pageSize, limit: pageSize, q: q || undefined, sort, order }), [caseType, page, pageSize, q, sort, order]);
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder={fmt.t('common.caseId')} defaultValue={q} onSearch={(v) => set({ q: v.trim() || undefined, page: undefined })} style={{ width: 320 }} />
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()} aria-label={fmt.t('common.refresh')} />
      </Space>
      <ErrorAlert error={list.error} />
      <Table<CaseView>
        data-testid={testId}
        rowKey="caseId"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        onRow={(c) => ({ 'data-testid': `case-row-${c.caseId}` }) as HTMLAttributes<HTMLElement>}
        expandable={expandable}
        pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: true, showTotal: (n) => fmt.t('common.total', { count: n, n: fmt.num(n) }) }}
        onChange={(p, _f, sorter) => {
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          set({
            page: String(p.current ?? 1),
            pageSize: String(p.pageSize ?? 20),
            sort: s?.order && s.columnKey === 'createdAt' ? 'createdAt' : undefined,
            order: s?.order === 'ascend' ? 'asc' : undefined,
          });
        }}
        columns={[
          ...columns,
          { key: 'status', title: fmt.t('common.status'), render: (_: unknown, c) => <StatusTag status={c.status} /> },
          {
            key: 'updatedAt',
            title: fmt.t('common.updatedAt'),
            sorter: true,
            sortOrder: sort === 'updatedAt' ? (order === 'asc' ? 'ascend' : 'descend') : null,
            render: (_: unknown, c) => fmt.dateTime(c.updatedAt),
          },
          {
            key: 'createdAt',
            title: fmt.t('common.createdAt'),
            sorter: true,
            responsive: ['lg'],
            sortOrder: sort === 'createdAt' ? (order === 'asc' ? 'ascend' : 'descend') : null,
            render: (_: unknown, c) => fmt.date(c.createdAt),
          },
        ]}
      />
    </>
  );
}

export function ListingsPage() {
  const fmt = useFmt();
  return (
    <div>
      <Typography.Title level={3}>{fmt.t('listings.title')}</Typography.Title>
      <CaseListTable
        caseType="listing"
        testId="listings-table"
        columns={[
          {
            key: 'institution',
            title: fmt.t('common.institution'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as ListingSummary;
              return (
                <Space orientation="vertical" size={0}>
                  <Link to={`/console/listings/${enc(s.listingId)}`}>{s.institution.name}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmt.kind(s.kind)} · {fmt.province(s.institution.province)}
                  </Typography.Text>
                </Space>
              );
            },
          },
          { key: 'occupation', title: fmt.t('common.occupation'), render: (_: unknown, c) => <ValueView value={(c.summary as unknown as ListingSummary).occupation} /> },
          {
            key: 'validity',
            title: fmt.t('listings.validity'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as ListingSummary;
              return `${fmt.date(s.validFrom)} – ${fmt.date(s.validUntil)}`;
            },
          },
        ]}
      />
    </div>
  );
}

function RectificationModal({ listingId, onClose }: { listingId: string; onClose: () => void }) {
  const fmt = useFmt();
  const navigate = useNavigate();
  return (
    <CreateModal
      path="/api/rectifications"
      title={fmt.t('listings.startRectification')}
      submitText={fmt.t('listings.startRectification')}
      formData={{ listingId, mode: 'deadline', due: { workingDays: 10 }, breaches: [{ rule: '', finding: '' }] }}
      uiSchema={{ listingId: { 'ui:widget': 'hidden' }, source: { 'ui:widget': 'hidden' } }}
      fixed={{ listingId }}
      testId="rectification-modal"
      onClose={onClose}
      onCreated={(created) => {
        onClose();
        void navigate(`/console/cases/${enc(created.caseId)}`);
      }}
    />
  );
}

function AnnualReports({ s, history }: { s: ListingSummary; history: HistoryEntry[] }) {
  const fmt = useFmt();
  const submissions = history.filter((h) => h.event.type === 'SUBMIT_ANNUAL_REPORT');
  const reviews = history.filter((h) => h.event.type === 'REVIEW_ANNUAL_REPORT');
  const years = [...new Set([...s.annualReports, ...submissions.map((h) => Number(h.event.year)), ...s.overdueReports.map((o) => o.year)])].sort((a, b) => b - a);
  const rows = years.map((year) => {
    const versions = submissions.filter((h) => Number(h.event.year) === year);
    const latest = versions.at(-1);
    const review = reviews.filter((h) => Number(h.event.year) === year).at(-1);
    const overdue = s.overdueReports.find((o) => o.year === year);
    return { year, versions: versions.length, latest, review, overdue };
  });
  return (
    <Card size="small" title={fmt.t('listings.annualReports')} style={{ marginBottom: 16 }} data-testid="listing-annual-reports">
      <Table
        size="small"
        rowKey="year"
        pagination={false}
        dataSource={rows}
        expandable={{ expandedRowRender: (r) => (r.latest ? <ValueView value={{ ...r.latest.event, type: undefined }} /> : null), rowExpandable: (r) => !!r.latest }}
        columns={[
          { title: fmt.t('listings.reportYear'), dataIndex: 'year' },
          { title: fmt.t('listings.reportVersion'), render: (_: unknown, r) => (r.versions ? fmt.num(r.versions) : '—') },
          { title: fmt.t('fields.personTimes', { ns: 'components' }), render: (_: unknown, r) => (r.latest ? fmt.num(Number(r.latest.event.personTimes)) : '—') },
          { title: fmt.t('common.createdAt'), render: (_: unknown, r) => (r.latest ? fmt.date(r.latest.at) : '—') },
          {
            title: fmt.t('listings.reportReview'),
            render: (_: unknown, r) =>
              r.review ? (
                r.review.event.accepted ? (
                  <Tag color="green">{fmt.t('listings.reportAccepted')}</Tag>
                ) : (
                  <Tag color="red">{fmt.t('listings.reportReturned')}</Tag>
                )
              ) : r.latest ? (
                <Tag color="blue">{fmt.t('listings.reportPending')}</Tag>
              ) : (
                '—'
              ),
          },
          {
            title: fmt.t('listings.overdueReports'),
            render: (_: unknown, r) =>
              r.overdue ? (
                <Space size={2}>
                  <Tag color="red">
                    {fmt.t('common.overdue')} L{r.overdue.level}
                  </Tag>
                  {r.overdue.followedUp && <Tag>{fmt.t('listings.followedUp')}</Tag>}
                </Space>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </Card>
  );
}

export function ListingPage() {
  const fmt = useFmt();
  const { listingId = '' } = useParams();
  const caseId = `listing:${listingId}`;
  const c = useRemote(() => staffApi.getCase(caseId), [caseId]);
  const history = useRemote(() => staffApi.history(caseId), [caseId]);
  const outbox = useRemote(() => staffApi.caseNotifications(caseId), [caseId]);
  const tasks = useRemote(() => staffApi.caseTasks(caseId, true), [caseId]);
  const validity = useRemote(() => staffApi.listingValidity(listingId), [listingId]);
  const [ordering, setOrdering] = useState(false);
  const reload = () => {
    void c.reload();
    void history.reload();
    void outbox.reload();
    void tasks.reload();
    void validity.reload();
  };
  if (c.error && !c.data) return <Result status="404" title={fmt.t('common.loadFailed')} subTitle={c.error.message} />;
  if (!c.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  const s = c.data.summary as unknown as ListingSummary;
  const now = dayjs();
  const start = dayjs(s.validFrom);
  const end = dayjs(s.validUntil).endOf('day');
  const elapsed = Math.min(1, Math.max(0, now.diff(start) / Math.max(1, end.diff(start))));
  const sent = (history.data?.items ?? []).filter((h) => h.event.type === 'deadline.reached');
  const upcoming = c.data.deadlines.filter((d) => Date.parse(d.at) >= Date.now());
  const canOrder = s.status === 'valid' || s.status === 'lapsing';

  return (
    <div data-testid="listing-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap align="start">
        <Space orientation="vertical" size={0}>
          <Space wrap>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {s.institution.name}
            </Typography.Title>
            <StatusTag status={c.data.status} />
          </Space>
          <Typography.Text type="secondary">
            {fmt.kind(s.kind)} · {s.occupation.name}（{s.occupation.code}）· {fmt.province(s.institution.province)} · {s.listingId}
          </Typography.Text>
        </Space>
        <Space wrap>
          <Link to={`/console/cases/${enc(caseId)}`} data-testid="listing-case-link">
            <Button>{fmt.t('listings.caseLink')}</Button>
          </Link>
          {canOrder && (
            <Button type="primary" danger icon={<ToolOutlined />} data-testid="start-rectification" onClick={() => setOrdering(true)}>
              {fmt.t('listings.startRectification')}
            </Button>
          )}
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={fmt.t('common.refresh')} />
        </Space>
      </Space>

      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={fmt.t('listings.validity')} style={{ marginBottom: 16 }} data-testid="listing-validity">
            <Progress percent={Math.round(elapsed * 100)} format={() => fmt.t('listings.elapsed', { percent: fmt.pct(elapsed) })} status={s.status === 'valid' ? 'active' : 'normal'} />
            <Descriptions
              size="small"
              column={1}
              style={{ marginTop: 12 }}
              items={[
                { key: 'period', label: fmt.t('listings.validity'), children: `${fmt.t('listings.period', { n: s.period })}：${fmt.date(s.validFrom)} – ${fmt.date(s.validUntil)}` },
                { key: 'renewalDeadline', label: fmt.t('listings.renewalDeadline'), children: fmt.date(s.renewalDeadline) },
                {
                  key: 'renewal',
                  label: fmt.t('listings.renewal'),
                  children: (
                    <Space>
                      <Tag>{fmt.t(`listings.renewalStatus.${s.renewal.status}`, { defaultValue: s.renewal.status })}</Tag>
                      {s.renewal.filedOn && fmt.date(s.renewal.filedOn)}
                    </Space>
                  ),
                },
                ...(validity.data?.next
                  ? [
                      {
                        key: 'next',
                        label: fmt.t('listings.nextPeriod'),
                        children: (
                          <span data-testid="listing-next-period">{`${fmt.t('listings.period', { n: validity.data.next.period })}：${fmt.date(validity.data.next.validFrom)} – ${fmt.date(validity.data.next.validUntil)}`}</span>
                        ),
                      },
                    ]
                  : []),
                { key: 'organiser', label: fmt.t('listings.organiser'), children: fmt.unit(s.organiser) },
                { key: 'recommender', label: fmt.t('listings.recommender'), children: fmt.unit(s.recommender) },
                ...(s.contact ? [{ key: 'contact', label: fmt.t('listings.contact'), children: <ValueView value={s.contact} depth={1} /> }] : []),
                ...(s.withdrawal ? [{ key: 'withdrawal', label: fmt.t('summaryKeys.withdrawal'), children: fmt.date(s.withdrawal.effectiveOn) }] : []),
                ...(s.bar ? [{ key: 'bar', label: fmt.t('summaryKeys.bar'), children: <Tag color="red">{fmt.t('listings.bar', { until: fmt.date(s.bar.until) })}</Tag> }] : []),
              ]}
            />
          </Card>
          <Card size="small" title={fmt.t('listings.rectifications')} style={{ marginBottom: 16 }} data-testid="listing-rectifications">
            <Table
              size="small"
              rowKey="caseId"
              pagination={false}
              dataSource={s.rectifications}
              locale={{ emptyText: fmt.t('common.none') }}
              columns={[
                { title: fmt.t('common.caseId'), render: (_: unknown, r) => <CaseLink caseId={r.caseId} caseType="rectification" /> },
                { title: fmt.t('rectifications.breaches'), render: (_: unknown, r) => r.rules.map((x) => <Tag key={x}>{x}</Tag>) },
                { title: fmt.t('common.status'), render: (_: unknown, r) => <Tag>{fmt.status({ code: r.status })}</Tag> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={fmt.t('listings.remindersUpcoming')} style={{ marginBottom: 16 }}>
            <DeadlinesTable deadlines={upcoming} testId="listing-reminders-upcoming" />
          </Card>
          <Card size="small" title={fmt.t('listings.remindersSent')} style={{ marginBottom: 16 }} data-testid="listing-reminders-sent">
            <Table
              size="small"
              rowKey="seq"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={[...sent].reverse()}
              locale={{ emptyText: fmt.t('common.none') }}
              columns={[
                { title: fmt.t('case.deadlineName'), render: (_: unknown, h) => fmt.deadlineName(String(h.event.name)) },
                { title: fmt.t('case.date'), render: (_: unknown, h) => fmt.dateTime(h.at) },
                { title: fmt.t('common.rule'), render: (_: unknown, h) => <Tag>{h.rule}</Tag> },
              ]}
            />
          </Card>
        </Col>
      </Row>

      <AnnualReports s={s} history={history.data?.items ?? []} />
      <TasksCard tasks={tasks.data?.items ?? []} reload={reload} />
      <NotificationsCard items={outbox.data?.items ?? []} />
      <DiagramCard c={c.data} />
      {ordering && <RectificationModal listingId={s.listingId} onClose={() => setOrdering(false)} />}
    </div>
  );
}
