/**
 * Selection rounds (遴选批次): the list with applications per stage, open and overdue tasks
 * (GET /api/console/rounds), and one round's dashboard: where the selection stands, applications
 * per stage, the applications in priority order with their open task's due date
 * (GET /api/selection-rounds/:id/applications), the round's own tasks and its diagram.
 * Test ids: `rounds-table`, `round-row-<id>`, `round-dashboard`, `round-stage-<code>`, `selection-flow`.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Progress, Result, Row, Space, Spin, Statistic, Steps, Switch, Table, Tag, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useRemote } from '../../components/useRemote';
import { enc, staffApi, type RoundApplications, type RoundRow } from './api';
import { DiagramCard } from './CasePage';
import { CaseLink, DueCell, ErrorAlert, StatusTag, TaskActions } from './components';
import { useFmt } from './format';

const FLOW = ['plan', 'notice', 'applications', 'review', 'panel', 'recheck', 'approval', 'publicNotice', 'publication'] as const;

/** Where a selection stands, from the plan's and the round's status and the applications' stages. */
export function flowIndex(planStatus: string | undefined, roundStatus: string | undefined, stages: Record<string, number> = {}): number {
  if (roundStatus === 'published') return 9;
  if (roundStatus === 'publishing') return 8;
  if (roundStatus === 'publicNotice' || roundStatus === 'resolvingObjections') return 7;
  if (roundStatus === 'approval') return 6;
  if (roundStatus) {
    const open = ['recommendation', 'preliminaryReview', 'correction', 'expertReview', 'recheck'].reduce((n, k) => n + (stages[k] ?? 0), 0);
    const settled = Object.values(stages).reduce((a, b) => a + b, 0) - open;
    if (open === 0 && settled > 0) return 6;
    if ((stages.recheck ?? 0) > 0 || (stages.recommended ?? 0) > 0) return 5;
    if ((stages.expertReview ?? 0) > 0) return 4;
    if ((stages.preliminaryReview ?? 0) > 0 || (stages.correction ?? 0) > 0 || (stages.recommendation ?? 0) > 0) return 3;
    return 2;
  }
  if (planStatus?.startsWith('noticePublished') || planStatus === 'applicationWindowClosed') return 2;
  if (planStatus?.startsWith('approved')) return 1;
  return 0;
}

export function SelectionFlow({ current, failed }: { current: number; failed?: boolean }) {
  const fmt = useFmt();
  return (
    <Steps
      data-testid="selection-flow"
      size="small"
      current={Math.min(current, FLOW.length - 1)}
      status={failed ? 'error' : current >= FLOW.length ? 'finish' : 'process'}
      items={FLOW.map((k) => ({ title: fmt.t(`plans.flow.${k}`) }))}
      style={{ marginBottom: 16 }}
    />
  );
}

function StageTags({ stages }: { stages: Record<string, number> }) {
  const fmt = useFmt();
  return (
    <Space size={2} wrap>
      {Object.entries(stages).map(([code, n]) => (
        <Tag key={code} data-testid={`round-stage-${code}`}>
          {fmt.status({ code })} {fmt.num(n)}
        </Tag>
      ))}
    </Space>
  );
}

export function RoundsPage() {
  const fmt = useFmt();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const pageSize = Math.min(100, Math.max(5, Number(params.get('pageSize') ?? 20) || 20));
  const open = params.get('open') === 'true' ? true : undefined;
  const rounds = useRemote(() => staffApi.rounds({ skip: (page - 1) * pageSize, limit: pageSize, open }), [page, pageSize, open]);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {fmt.t('rounds.title')}
        </Typography.Title>
        <Space>
          <Switch checked={!!open} onChange={(v) => setParams(v ? { open: 'true' } : {}, { replace: true })} /> {fmt.t('rounds.openOnly')}
          <Button icon={<ReloadOutlined />} onClick={() => void rounds.reload()} aria-label={fmt.t('common.refresh')} />
        </Space>
      </Space>
      <ErrorAlert error={rounds.error} />
      <Table<RoundRow>
        data-testid="rounds-table"
        rowKey="caseId"
        loading={rounds.loading}
        dataSource={rounds.data?.items ?? []}
        onRow={(r) => ({ 'data-testid': `round-row-${r.caseId}` }) as HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: rounds.data?.total ?? 0,
          showTotal: (n) => fmt.t('common.total', { count: n, n: fmt.num(n) }),
          onChange: (p, s) => setParams({ page: String(p), pageSize: String(s), ...(open ? { open: 'true' } : {}) }, { replace: true }),
        }}
        columns={[
          {
            title: fmt.t('rounds.documentNumber'),
            render: (_: unknown, r) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/console/rounds/${enc(r.caseId)}`}>{r.documentNumber}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmt.kind(r.kind)} · {fmt.unit(r.organiser)}
                </Typography.Text>
              </Space>
            ),
          },
          { title: fmt.t('common.status'), render: (_: unknown, r) => <StatusTag status={r.status} /> },
          { title: fmt.t('rounds.window'), render: (_: unknown, r) => `${fmt.date(r.applicationWindow.opens)} – ${fmt.date(r.applicationWindow.closes)}` },
          { title: fmt.t('rounds.applications'), dataIndex: 'applications', render: (n: number) => fmt.num(n) },
          { title: fmt.t('rounds.stages'), render: (_: unknown, r) => <StageTags stages={r.stages} /> },
          { title: fmt.t('rounds.openTasks'), dataIndex: 'openTasks', render: (n: number) => fmt.num(n) },
          { title: fmt.t('rounds.overdue'), dataIndex: 'overdue', render: (n: number) => (n > 0 ? <Tag color="red">{fmt.num(n)}</Tag> : fmt.num(n)) },
          {
            title: fmt.t('rounds.objections'),
            render: (_: unknown, r) => (r.objections && r.objections.filed > 0 ? `${fmt.num(r.objections.open)} / ${fmt.num(r.objections.filed)}` : '—'),
          },
        ]}
      />
    </div>
  );
}

export function RoundPage() {
  const fmt = useFmt();
  const { roundId = '' } = useParams();
  const round = useRemote(() => staffApi.getCase(roundId), [roundId]);
  const apps = useRemote(() => staffApi.roundApplications(roundId), [roundId]);
  const tasks = useRemote(() => staffApi.caseTasks(roundId, true), [roundId]);
  const reload = () => {
    void round.reload();
    void apps.reload();
    void tasks.reload();
  };
  if (round.error && !round.data) {
    const missing = round.error instanceof ApiError && round.error.status === 404;
    return <Result status={missing ? 'info' : '404'} title={missing ? fmt.t('plans.noRoundYet') : fmt.t('common.loadFailed')} subTitle={round.error.message} />;
  }
  if (!round.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  const s = round.data.summary as {
    kind: string;
    organiser: string;
    notice: { documentNumber: string; applicationWindow: { opens: string; closes: string } };
    publicNotice: { endDate: string | null } | null;
    objections: { filed: number; open: number; upheld: number; dismissed: number };
    planId: string;
  };
  const counts = apps.data?.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const failed = ['cancelled', 'closedWithoutApplications', 'closedWithoutRecommendations'].includes(round.data.status.code);
  return (
    <div data-testid="round-dashboard">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Space orientation="vertical" size={0}>
          <Space>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {s.notice.documentNumber}
            </Typography.Title>
            <StatusTag status={round.data.status} />
          </Space>
          <Typography.Text type="secondary">
            {fmt.kind(s.kind)} · {fmt.unit(s.organiser)} · {fmt.t('rounds.window')}: {fmt.date(s.notice.applicationWindow.opens)} – {fmt.date(s.notice.applicationWindow.closes)}
            {s.publicNotice?.endDate ? ` · ${fmt.t('rounds.publicNoticeUntil', { date: fmt.date(s.publicNotice.endDate) })}` : ''}
          </Typography.Text>
        </Space>
        <Space>
          <CaseLink caseId={s.planId}>
            <Button>{fmt.t('plans.flow.plan')}</Button>
          </CaseLink>
          <CaseLink caseId={roundId}>
            <Button type="primary">{fmt.t('common.details')}</Button>
          </CaseLink>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={fmt.t('common.refresh')} />
        </Space>
      </Space>

      <SelectionFlow current={flowIndex('noticePublished', round.data.status.code, counts)} failed={failed} />

      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={fmt.t('rounds.applications')} value={total} formatter={(v) => fmt.num(Number(v))} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={fmt.t('rounds.overdue')} value={apps.data?.overdue ?? 0} formatter={(v) => fmt.num(Number(v))} styles={{ content: { color: apps.data?.overdue ? '#cf1322' : undefined } }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={fmt.t('rounds.objections')} value={s.objections.filed} suffix={s.objections.open ? `(${fmt.num(s.objections.open)})` : undefined} formatter={(v) => fmt.num(Number(v))} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={fmt.t('rounds.roundTasks')} value={tasks.data?.items.length ?? 0} formatter={(v) => fmt.num(Number(v))} />
          </Card>
        </Col>
      </Row>

      <Card size="small" title={fmt.t('rounds.byStage')} style={{ marginBottom: 16 }}>
        <ErrorAlert error={apps.error} />
        {Object.entries(counts).map(([code, n]) => (
          <div key={code} data-testid={`round-stage-${code}`} style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
            <span style={{ width: 160 }}>{fmt.status({ code })}</span>
            <Progress percent={total ? Math.round((n / total) * 100) : 0} format={() => fmt.num(n)} style={{ flex: 1, margin: 0 }} />
          </div>
        ))}
      </Card>

      {(tasks.data?.items.length ?? 0) > 0 && (
        <Card size="small" title={fmt.t('rounds.roundTasks')} style={{ marginBottom: 16 }}>
          <Table
            size="small"
            rowKey="taskId"
            pagination={false}
            dataSource={tasks.data?.items ?? []}
            onRow={(task) => ({ 'data-testid': `task-row-${task.taskId}` }) as HTMLAttributes<HTMLElement>}
            columns={[
              { title: fmt.t('inbox.task'), render: (_: unknown, task) => fmt.step(task.step, task.title) },
              { title: fmt.t('inbox.due'), render: (_: unknown, task) => <DueCell due={task.due} overdue={task.overdue} provisional={task.provisional} /> },
              { title: fmt.t('common.actions'), render: (_: unknown, task) => <TaskActions task={task} onChanged={reload} /> },
            ]}
          />
        </Card>
      )}

      <Card size="small" title={fmt.t('rounds.list')} style={{ marginBottom: 16 }}>
        <Table<RoundApplications['items'][number]>
          size="small"
          rowKey="caseId"
          loading={apps.loading}
          dataSource={apps.data?.items ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          onRow={(a) => ({ 'data-testid': `application-row-${a.caseId}`, style: a.overdue ? { background: '#fff1f0' } : undefined }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: '#', render: (_: unknown, _a, i) => fmt.num(i + 1) },
            { title: fmt.t('common.institution'), render: (_: unknown, a) => <CaseLink caseId={a.caseId} caseType="application">{a.institution.name}</CaseLink> },
            { title: fmt.t('common.province'), render: (_: unknown, a) => fmt.province(a.institution.province) },
            { title: fmt.t('common.occupation'), render: (_: unknown, a) => `${a.occupation.name}（${a.occupation.code}）` },
            { title: fmt.t('rounds.recommender'), render: (_: unknown, a) => fmt.unit(a.recommender) },
            { title: fmt.t('rounds.priority'), dataIndex: 'priority', render: (p: string) => <Tag>{fmt.t(`priorities.${p}`, { defaultValue: p })}</Tag> },
            { title: fmt.t('rounds.flags'), dataIndex: 'flags', render: (n: number) => (n > 0 ? <Tag color="orange">{fmt.num(n)}</Tag> : '—') },
            { title: fmt.t('common.status'), render: (_: unknown, a) => <StatusTag status={a.status} /> },
            { title: fmt.t('rounds.due'), render: (_: unknown, a) => (a.due ? <DueCell due={a.due} overdue={a.overdue} /> : '—') },
          ]}
        />
      </Card>

      <DiagramCard c={round.data} />
    </div>
  );
}
