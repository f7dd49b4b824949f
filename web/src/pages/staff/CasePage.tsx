/**
 * The case page: where the case stands drawn on its machine's diagram (current state highlighted),
 * its summary, deadlines with their explanations, open tasks (claim/complete), the actions open to
 * me, the timeline of its history with the audit chain's verification, the documents filed in it,
 * related cases, its outbox, and the dossier export (JSON, PDF).
 * Test ids: `state-diagram`, `state-current`, `case-status`, `case-tasks`, `case-timeline`, `dossier-json`, `dossier-pdf`.
 */
import { ApartmentOutlined, ExportOutlined, FilePdfOutlined, FileTextOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, List, Progress, Result, Row, Space, Spin, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useSession } from '../../auth/session';
import type { TransitionKind } from '../../components/StateDiagram';
import { useRemote } from '../../components/useRemote';
import { enc, leafPath, loadDiagram, staffApi, type CaseView, type HistoryEntry, type Notification, type Task } from './api';
import { CaseLink, DeadlinesTable, DecisionModal, DueCell, ErrorAlert, StatusTag, TaskActions } from './components';
import { useFmt, type Fmt } from './format';
import { ValueView } from './ValueView';

const StateDiagram = lazy(() => import('../../components/StateDiagram'));

/** Commands whose payload is a document filed in the case (a notice, a report, evidence, findings). */
const DOCUMENT_EVENTS = new Set([
  'case.opened',
  'EDIT_DRAFT',
  'PUBLISH_NOTICE',
  'SUBMIT_CORRECTION',
  'FILE_RENEWAL',
  'SUBMIT_ANNUAL_REPORT',
  'REVIEW_ANNUAL_REPORT',
  'REPORT_CHANGE',
  'WITHDRAW',
  'SUBMIT_EVIDENCE',
  'RECORD_FINDINGS',
  'PUBLISH_RESULTS',
  'SUBMIT_FOLLOW_UP',
  'REFER_FRAUD',
]);

function payloadOf(e: HistoryEntry['event']): Record<string, unknown> {
  const { type: _type, ...rest } = e;
  return rest;
}

const stateText = (fmt: Fmt, v: unknown) => (v === null || v === undefined ? '∅' : leafPath(v as never).split('.').map(fmt.stateKey).join(' › '));

export function DiagramCard({ c }: { c: CaseView }) {
  const fmt = useFmt();
  const diagram = useRemote(() => loadDiagram(c.caseType), [c.caseType]);
  const stateLabel = useCallback((key: string) => fmt.stateKey(key), [fmt]);
  const eventLabel = useCallback((ev: string, kind: TransitionKind, guard: string | null) => fmt.transitionLabel(ev, kind, guard), [fmt]);
  const current = leafPath(c.state);
  return (
    <Card
      size="small"
      title={
        <Space>
          <ApartmentOutlined />
          {fmt.t('case.diagram')}
          <Tag color="blue">{stateText(fmt, c.state)}</Tag>
        </Space>
      }
      style={{ marginBottom: 16 }}
    >
      <ErrorAlert error={diagram.error} />
      {diagram.data ? (
        <Suspense fallback={<Spin />}>
          <StateDiagram diagram={diagram.data} current={current} stateLabel={stateLabel} eventLabel={eventLabel} height={Math.min(720, 180 + diagram.data.states.length * 34)} />
        </Suspense>
      ) : (
        <Spin />
      )}
    </Card>
  );
}

function TimelineCard({ caseId, history, reload }: { caseId: string; history: HistoryEntry[]; reload: () => void }) {
  const fmt = useFmt();
  const audit = useRemote(() => staffApi.verifyAudit(caseId), [caseId, history.length]);
  const items = [...history].reverse();
  return (
    <Card
      size="small"
      data-testid="case-timeline"
      title={fmt.t('case.timeline')}
      extra={<Button size="small" icon={<ReloadOutlined />} onClick={reload} aria-label={fmt.t('common.refresh')} />}
      style={{ marginBottom: 16 }}
    >
      {audit.data && (
        <Alert
          style={{ marginBottom: 12 }}
          type={audit.data.valid ? 'success' : 'error'}
          showIcon
          icon={<SafetyCertificateOutlined />}
          data-testid="audit-verify"
          title={audit.data.valid ? fmt.t('case.auditValid', { count: fmt.num(audit.data.entries) }) : fmt.t('case.auditInvalid', { count: fmt.num(audit.data.problems.length) })}
          description={audit.data.valid ? undefined : audit.data.problems.map((p) => `#${p.seq} ${p.kind}: ${p.message}`).join('；')}
        />
      )}
      <div style={{ maxHeight: 640, overflowY: 'auto', paddingTop: 8 }}>
        <Timeline
          items={items.map((h) => {
            const payload = payloadOf(h.event);
            const hidden = h.event.type === 'deadlines.set';
            const color = h.event.type === 'deadline.reached' ? 'orange' : h.actor.role === 'admin' && h.actor.id === 'system' ? 'gray' : 'blue';
            return {
              key: h.seq,
              color,
              title: fmt.dateTime(h.at),
              content: (
                <div data-testid={`history-${h.seq}`}>
                  <Space size={4} wrap>
                    <Typography.Text strong>{fmt.event(h.event.type, h.event as { name?: unknown })}</Typography.Text>
                    <Tag>{h.rule}</Tag>
                  </Space>
                  <div style={{ fontSize: 12 }}>
                    <Typography.Text type="secondary">
                      {h.actor.name} · {fmt.unit(h.actor.unit)}
                    </Typography.Text>
                  </div>
                  <div style={{ fontSize: 12 }}>
                    {stateText(fmt, h.from)} → {stateText(fmt, h.to)}
                  </div>
                  {!hidden && Object.keys(payload).length > 0 && h.event.type !== 'deadline.reached' && (
                    <details style={{ fontSize: 12 }}>
                      <summary>{fmt.t('case.payload')}</summary>
                      <ValueView value={payload} />
                    </details>
                  )}
                  {hidden && (
                    <div style={{ fontSize: 12 }}>
                      {((h.event.deadlines as { name: string; date: string }[] | undefined) ?? []).map((d) => (
                        <Tag key={d.name}>
                          {fmt.deadlineName(d.name)} {fmt.date(d.date)}
                        </Tag>
                      ))}
                    </div>
                  )}
                  <Tooltip title={`${fmt.t('case.hash')}: ${h.hash}`}>
                    <Typography.Text type="secondary" style={{ fontSize: 11 }} code>
                      #{h.seq} {h.hash.slice(0, 10)}
                    </Typography.Text>
                  </Tooltip>
                </div>
              ),
            };
          })}
        />
      </div>
    </Card>
  );
}

function DocumentsCard({ history }: { history: HistoryEntry[] }) {
  const fmt = useFmt();
  const docs = history.filter((h) => DOCUMENT_EVENTS.has(h.event.type) && Object.keys(payloadOf(h.event)).length > 0);
  return (
    <Card size="small" title={<Space><FileTextOutlined />{fmt.t('case.documents')}</Space>} style={{ marginBottom: 16 }} data-testid="case-documents">
      {docs.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={fmt.t('case.noDocuments')} />
      ) : (
        <List
          size="small"
          dataSource={docs}
          renderItem={(h) => (
            <List.Item key={h.seq}>
              <div style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>{fmt.event(h.event.type)}</Typography.Text>
                  <Typography.Text type="secondary">
                    {fmt.dateTime(h.at)} · {h.actor.name}
                  </Typography.Text>
                </Space>
                <details>
                  <summary>{fmt.t('common.details')}</summary>
                  <ValueView value={h.event.type === 'case.opened' ? (h.event.input ?? {}) : payloadOf(h.event)} />
                </details>
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

export function NotificationsCard({ items }: { items: Notification[] }) {
  const fmt = useFmt();
  return (
    <Card size="small" title={fmt.t('case.notifications')} style={{ marginBottom: 16 }} data-testid="case-notifications">
      <Table<Notification>
        size="small"
        rowKey="id"
        dataSource={items}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: fmt.t('case.noNotifications') }}
        expandable={{ expandedRowRender: (n) => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{n.body}</Typography.Paragraph> }}
        columns={[
          { title: fmt.t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          { title: fmt.t('case.recipient'), render: (_: unknown, n) => `${fmt.unit(n.to.unit)} · ${fmt.t(`roles.${n.to.role}`, { ns: 'shell' })}` },
          { title: fmt.t('case.subject'), dataIndex: 'subject' },
          { title: fmt.t('common.rule'), dataIndex: 'rule', render: (r: string) => <Tag>{r}</Tag> },
          {
            title: fmt.t('case.delivery'),
            render: (_: unknown, n) => (
              <Space size={2} wrap>
                <Tag color={n.status === 'sent' ? 'green' : n.status === 'failed' ? 'red' : n.status === 'pending' ? 'blue' : 'default'}>{n.status}</Tag>
                {Object.entries(n.deliveries).map(([ch, d]) => (
                  <Tooltip key={ch} title={d.lastError ?? (d.sentAt ? fmt.dateTime(d.sentAt) : '')}>
                    <Tag>
                      {ch}: {d.status}
                    </Tag>
                  </Tooltip>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** A random inspection's progress, the institutions drawn, the findings recorded and the published result. */
export function InspectionPanel({ c, history }: { c: CaseView; history: HistoryEntry[] }) {
  const fmt = useFmt();
  const s = c.summary as {
    institutions?: { id: string; name?: string; province?: string }[];
    recorded?: number;
    eligible?: number | null;
    due?: string | null;
    drawId?: string | null;
    drawFailure?: string | null;
    results?: { institution: { id: string; name?: string }; problemsFound: boolean; rules: string[]; summary: string }[] | null;
    orders?: { caseId: string; listingId: string; institutionId: string }[];
  };
  const total = s.institutions?.length ?? 0;
  const recorded = s.recorded ?? 0;
  const findings = history.filter((h) => h.event.type === 'RECORD_FINDINGS');
  const drawing = c.status.code === 'drawing';
  return (
    <Card size="small" title={fmt.t('case.inspection.progress')} style={{ marginBottom: 16 }} data-testid="inspection-panel">
      {drawing ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{fmt.t('case.inspection.drawing')}</Typography.Text>
          <Progress percent={99} status="active" showInfo={false} data-testid="inspection-draw-progress" />
        </Space>
      ) : (
        <Progress
          data-testid="inspection-progress"
          percent={total ? Math.round((recorded / total) * 100) : 0}
          format={() => fmt.t('case.inspection.recorded', { done: fmt.num(recorded), total: fmt.num(total) })}
          status={c.status.final ? 'success' : 'active'}
        />
      )}
      {s.drawFailure && <Alert type="warning" showIcon title={s.drawFailure} style={{ marginTop: 8 }} />}
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3 }}
        style={{ marginTop: 12 }}
        items={[
          { key: 'eligible', label: fmt.t('inspections.eligible'), children: fmt.num(s.eligible ?? null) },
          { key: 'due', label: fmt.t('inspections.due'), children: fmt.date(s.due ?? null) },
          { key: 'draw', label: fmt.t('case.inspection.drawId'), children: s.drawId ? <Typography.Text code>{s.drawId}</Typography.Text> : '—' },
        ]}
      />
      <Typography.Title level={5}>{fmt.t('case.inspection.institutions')}</Typography.Title>
      <Space wrap>
        {(s.institutions ?? []).map((i) => {
          const done = findings.some((f) => f.event.institutionId === i.id);
          return (
            <Tag key={i.id} color={done ? 'green' : 'default'}>
              {i.name ?? i.id}
              {i.province ? ` · ${fmt.province(i.province)}` : ''}
            </Tag>
          );
        })}
      </Space>
      {findings.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            {fmt.t('case.inspection.findings')}
          </Typography.Title>
          {findings.map((f) => (
            <details key={f.seq}>
              <summary>
                {(s.institutions ?? []).find((i) => i.id === f.event.institutionId)?.name ?? String(f.event.institutionId)} · {fmt.dateTime(f.at)} · {f.actor.name}
              </summary>
              <ValueView value={payloadOf(f.event)} />
            </details>
          ))}
        </>
      )}
      {s.results && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            {fmt.t('case.inspection.results')}
          </Typography.Title>
          <Table
            size="small"
            rowKey={(r) => r.institution.id}
            pagination={false}
            dataSource={s.results}
            columns={[
              { title: fmt.t('common.institution'), render: (_: unknown, r) => r.institution.name ?? r.institution.id },
              {
                title: fmt.t('common.status'),
                render: (_: unknown, r) => (r.problemsFound ? <Tag color="red">{fmt.t('case.inspection.problems')}</Tag> : <Tag color="green">{fmt.t('case.inspection.noProblems')}</Tag>),
              },
              { title: fmt.t('common.rule'), render: (_: unknown, r) => r.rules.map((x) => <Tag key={x}>{x}</Tag>) },
              { title: fmt.t('fields.summary', { ns: 'components' }), dataIndex: 'summary' },
            ]}
          />
        </>
      )}
      {(s.orders ?? []).length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            {fmt.t('summaryKeys.orders')}
          </Typography.Title>
          <Space wrap>
            {s.orders!.map((o) => (
              <CaseLink key={o.caseId} caseId={o.caseId} />
            ))}
          </Space>
        </>
      )}
    </Card>
  );
}

export function TasksCard({ tasks, reload }: { tasks: Task[]; reload: () => void }) {
  const fmt = useFmt();
  const { session } = useSession();
  const p = session?.principal;
  const mine = (task: Task) => p && task.assignee.role === p.role && task.assignee.unit === p.unit;
  const open = tasks.filter((t) => t.status === 'open' || t.status === 'claimed');
  return (
    <Card size="small" title={fmt.t('case.tasks')} style={{ marginBottom: 16 }} data-testid="case-tasks">
      <Table<Task>
        size="small"
        rowKey="taskId"
        dataSource={open}
        pagination={false}
        locale={{ emptyText: fmt.t('inbox.empty') }}
        onRow={(task) => ({ 'data-testid': `task-row-${task.taskId}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: fmt.t('inbox.task'), render: (_: unknown, task) => <Tooltip title={task.title}>{fmt.step(task.step, task.title)}</Tooltip> },
          { title: fmt.t('case.recipient'), render: (_: unknown, task) => `${fmt.unit(task.assignee.unit)} · ${fmt.t(`roles.${task.assignee.role}`, { ns: 'shell' })}` },
          { title: fmt.t('inbox.due'), render: (_: unknown, task) => <DueCell due={task.due} overdue={task.overdue} provisional={task.provisional} escalation={task.escalation} /> },
          { title: fmt.t('inbox.claimedBy'), render: (_: unknown, task) => task.claimedBy?.name ?? '—' },
          { title: fmt.t('common.actions'), render: (_: unknown, task) => (mine(task) ? <TaskActions task={task} onChanged={reload} /> : null) },
        ]}
      />
    </Card>
  );
}

function ActionsCard({ c, reload }: { c: CaseView; reload: () => void }) {
  const fmt = useFmt();
  const [action, setAction] = useState<string | null>(null);
  const free = [...new Map(c.availableActions.filter((g) => !g.taskKey).map((g) => [g.type, g])).values()];
  return (
    <Card size="small" title={fmt.t('case.actions')} style={{ marginBottom: 16 }} data-testid="case-actions">
      {free.length === 0 ? (
        <Typography.Text type="secondary">{fmt.t('case.noActions')}</Typography.Text>
      ) : (
        <Space wrap>
          {free.map((g) => (
            <Tooltip key={g.type} title={`${g.title} (${g.rule})`}>
              <Button data-testid={`case-action-${g.type}`} danger={/CANCEL|REMOVAL|FRAUD|WITHDRAW/.test(g.type)} onClick={() => setAction(g.type)}>
                {fmt.action(g.type, g.title)}
              </Button>
            </Tooltip>
          ))}
        </Space>
      )}
      {action && (
        <DecisionModal
          open
          onClose={() => setAction(null)}
          onDone={() => {
            setAction(null);
            reload();
          }}
          caseId={c.caseId}
          caseType={c.caseType}
          actions={[action]}
        />
      )}
    </Card>
  );
}

export function CasePage() {
  const fmt = useFmt();
  const { caseId = '' } = useParams();
  const c = useRemote(() => staffApi.getCase(caseId), [caseId], { pollMs: undefined });
  const history = useRemote(() => staffApi.history(caseId), [caseId]);
  const tasks = useRemote(() => staffApi.caseTasks(caseId), [caseId]);
  const related = useRemote(() => staffApi.related(caseId), [caseId]);
  const outbox = useRemote(() => staffApi.caseNotifications(caseId), [caseId]);
  const drawing = c.data?.status.code === 'drawing';
  useRemote(async () => (drawing ? reloadAll() : undefined), [drawing], { skip: !drawing, pollMs: 1500 });

  async function reloadAll() {
    await Promise.all([c.reload(), history.reload(), tasks.reload(), related.reload(), outbox.reload()]);
  }
  const reload = () => void reloadAll();

  if (c.error && !c.data) return <Result status="404" title={fmt.t('common.loadFailed')} subTitle={c.error.message} />;
  if (!c.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  const doc = c.data;
  const s = doc.summary as { roundId?: string; listingId?: string };

  return (
    <div data-testid="case-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap align="start">
        <Space orientation="vertical" size={0}>
          <Space wrap>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {fmt.caseType(doc.caseType)}
            </Typography.Title>
            <span data-testid="case-status">
              <StatusTag status={doc.status} />
            </span>
          </Space>
          <Typography.Text type="secondary" copyable>
            {doc.caseId}
          </Typography.Text>
          <Typography.Text type="secondary">
            {fmt.t('common.owner')}: {fmt.unit(doc.owner)} · {fmt.t('common.updatedAt')}: {fmt.dateTime(doc.updatedAt)}
          </Typography.Text>
        </Space>
        <Space wrap>
          {doc.caseType === 'round' && (
            <Link to={`/console/rounds/${enc(doc.caseId)}`}>
              <Button icon={<ExportOutlined />}>{fmt.t('case.roundDashboard')}</Button>
            </Link>
          )}
          {doc.caseType === 'application' && s.roundId && (
            <Link to={`/console/rounds/${enc(s.roundId)}`}>
              <Button icon={<ExportOutlined />}>{fmt.t('case.roundDashboard')}</Button>
            </Link>
          )}
          {(doc.caseType === 'listing' || s.listingId) && (
            <Link to={`/console/listings/${enc(doc.caseType === 'listing' ? doc.caseId.slice('listing:'.length) : s.listingId!)}`}>
              <Button icon={<ExportOutlined />}>{fmt.t('case.listingPage')}</Button>
            </Link>
          )}
          <Typography.Text type="secondary">{fmt.t('common.export')}:</Typography.Text>
          <Button icon={<FileTextOutlined />} href={`/api/cases/${enc(doc.caseId)}/dossier?format=json`} target="_blank" data-testid="dossier-json">
            {fmt.t('common.exportJson')}
          </Button>
          <Button icon={<FilePdfOutlined />} href={`/api/cases/${enc(doc.caseId)}/dossier?format=pdf`} target="_blank" data-testid="dossier-pdf">
            {fmt.t('common.exportPdf')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={fmt.t('common.refresh')} />
        </Space>
      </Space>

      <DiagramCard c={doc} />

      <Row gutter={16}>
        <Col xs={24} xl={14}>
          {doc.caseType === 'inspection' && <InspectionPanel c={doc} history={history.data?.items ?? []} />}
          <TasksCard tasks={tasks.data?.items ?? []} reload={reload} />
          <ActionsCard c={doc} reload={reload} />
          <Card size="small" title={fmt.t('case.deadlines')} style={{ marginBottom: 16 }}>
            <DeadlinesTable deadlines={doc.deadlines} testId="case-deadlines" />
          </Card>
          <Card size="small" title={fmt.t('case.summary')} style={{ marginBottom: 16 }} data-testid="case-summary">
            <ValueView value={doc.summary} />
          </Card>
          <DocumentsCard history={history.data?.items ?? []} />
          <Card size="small" title={fmt.t('case.related')} style={{ marginBottom: 16 }} data-testid="case-related">
            <List
              size="small"
              dataSource={related.data?.items ?? []}
              locale={{ emptyText: fmt.t('case.noRelated') }}
              renderItem={(r) => (
                <List.Item key={r.caseId}>
                  <Space wrap>
                    <Tag>{fmt.t(`case.relation.${r.relation}`)}</Tag>
                    <Tag color="geekblue">{fmt.caseType(r.caseType)}</Tag>
                    <CaseLink caseId={r.caseId} caseType={r.caseType} />
                    <StatusTag status={r.status} />
                  </Space>
                </List.Item>
              )}
            />
          </Card>
          <NotificationsCard items={outbox.data?.items ?? []} />
        </Col>
        <Col xs={24} xl={10}>
          <ErrorAlert error={history.error} />
          <TimelineCard caseId={doc.caseId} history={history.data?.items ?? []} reload={reload} />
        </Col>
      </Row>
    </div>
  );
}
