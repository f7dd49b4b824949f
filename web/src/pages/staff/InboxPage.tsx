/**
 * The inbox (待办): my unit's tasks or the ones I claimed, escalations first then the earliest due
 * (overdue at the top), filtered by case type, step, occupation and province, paged and sorted on
 * the server (GET /api/inbox with skip/sort/order, and its total). Claim, release and complete with
 * the decision form of the chosen action. Filters live in the URL so a view can be shared.
 * Test ids: `task-row-<taskId>`, `task-claim`, `task-release`, `task-complete`, `decision-submit`.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Input, Row, Segmented, Select, Space, Statistic, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import type { HTMLAttributes } from 'react';
import { useSearchParams } from 'react-router';
import { useRemote } from '../../components/useRemote';
import { staffApi, type Task } from './api';
import { CaseLink, DueCell, ErrorAlert, TaskActions } from './components';
import { useFmt } from './format';

const SORTS = ['priority', 'due', 'createdAt', 'caseType', 'step'] as const;
type SortKey = (typeof SORTS)[number];
const OCCUPATION = /^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$/;

export function InboxPage() {
  const fmt = useFmt();
  const { t } = fmt;
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'mine' ? 'mine' : 'unit';
  const status = params.get('status') === 'closed' ? 'closed' : 'active';
  const sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? (params.get('sort') as SortKey) : 'priority';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const pageSize = Math.min(200, Math.max(5, Number(params.get('pageSize') ?? 20) || 20));
  const occupation = params.get('occupation') ?? '';
  const filters = {
    caseType: params.get('caseType') ?? undefined,
    step: params.get('step') ?? undefined,
    province: params.get('province') ?? undefined,
    occupation: OCCUPATION.test(occupation) ? occupation : undefined,
    overdue: params.get('overdue') === 'true' ? true : undefined,
    escalation: params.get('escalation') === 'true' ? true : undefined,
  };

  const set = (changes: Record<string, string | number | boolean | undefined | null>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === null || v === '' || v === false) next.delete(k);
      else next.set(k, String(v));
    }
    if (resetPage && !('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const query = { view, status, sort, order, skip: (page - 1) * pageSize, limit: pageSize, ...filters };
  const tasks = useRemote(() => staffApi.inbox(query), [JSON.stringify(query)]);
  const facets = useRemote(() => staffApi.facets(view), [view]);
  const reload = () => {
    void tasks.reload();
    void facets.reload();
  };

  const sortOrderOf = (key: SortKey) => (sort === key ? (order === 'asc' ? 'ascend' : 'descend') : null);

  return (
    <div data-testid="inbox-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('inbox.title')}
        </Typography.Title>
        <Space wrap>
          <Segmented
            data-testid="inbox-view"
            value={view}
            onChange={(v) => set({ view: v === 'mine' ? 'mine' : undefined })}
            options={[
              { value: 'unit', label: t('inbox.viewUnit') },
              { value: 'mine', label: t('inbox.viewMine') },
            ]}
          />
          <Segmented
            value={status}
            onChange={(v) => set({ status: v === 'closed' ? 'closed' : undefined })}
            options={[
              { value: 'active', label: t('inbox.statusActive') },
              { value: 'closed', label: t('inbox.statusClosed') },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
        </Space>
      </Space>

      <Row gutter={16} style={{ marginBottom: 16 }}>
        {(
          [
            ['total', facets.data?.total, () => set({ overdue: undefined, escalation: undefined })],
            ['overdue', facets.data?.overdue, () => set({ overdue: true })],
            ['escalated', facets.data?.escalated, () => set({ escalation: true })],
            ['mine', facets.data?.claimedByMe, () => set({ view: 'mine' })],
          ] as const
        ).map(([key, value, onClick]) => (
          <Col xs={12} md={6} key={key}>
            <Card size="small" hoverable onClick={onClick} data-testid={`inbox-stat-${key}`}>
              <Statistic
                title={t(`inbox.stats.${key}`)}
                value={value ?? '—'}
                formatter={(v) => (typeof v === 'number' ? fmt.num(v) : String(v))}
                styles={{ content: { color: key === 'overdue' && value ? '#cf1322' : key === 'escalated' && value ? '#d4380d' : undefined } }}
              />
            </Card>
          </Col>
        ))}
      </Row>

      <Card size="small" style={{ marginBottom: 16 }} title={t('inbox.filters')}>
        <Space wrap>
          <Select
            data-testid="filter-case-type"
            allowClear
            style={{ minWidth: 180 }}
            placeholder={t('inbox.anyCaseType')}
            value={filters.caseType}
            onChange={(v?: string) => set({ caseType: v, step: undefined })}
            options={(facets.data?.caseTypes ?? []).map((c) => ({ value: c, label: fmt.caseType(c) }))}
          />
          <Select
            data-testid="filter-step"
            allowClear
            style={{ minWidth: 220 }}
            placeholder={t('inbox.anyStep')}
            value={filters.step}
            onChange={(v?: string) => set({ step: v })}
            options={(facets.data?.steps ?? []).filter((s) => !filters.caseType || s.startsWith(`${filters.caseType}.`)).map((s) => ({ value: s, label: fmt.step(s) }))}
          />
          <Input.Search
            data-testid="filter-occupation"
            allowClear
            style={{ width: 260 }}
            placeholder={t('inbox.occupationPlaceholder')}
            defaultValue={occupation}
            status={occupation && !OCCUPATION.test(occupation) ? 'error' : undefined}
            onSearch={(v) => set({ occupation: v.trim() || undefined })}
          />
          <Select
            data-testid="filter-province"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ minWidth: 160 }}
            placeholder={t('inbox.anyProvince')}
            value={filters.province}
            onChange={(v?: string) => set({ province: v })}
            options={Object.keys(fmt.t('provinces', { returnObjects: true }) as Record<string, string>).map((code) => ({ value: code, label: fmt.province(code) }))}
          />
          <Space size={4}>
            <Switch data-testid="filter-overdue" checked={!!filters.overdue} onChange={(v) => set({ overdue: v })} />
            {t('inbox.overdueOnly')}
          </Space>
          <Space size={4}>
            <Switch data-testid="filter-escalation" checked={!!filters.escalation} onChange={(v) => set({ escalation: v })} />
            {t('inbox.escalationOnly')}
          </Space>
        </Space>
      </Card>

      <ErrorAlert error={tasks.error} />
      <Table<Task>
        data-testid="inbox-table"
        rowKey="taskId"
        size="middle"
        loading={tasks.loading}
        dataSource={tasks.data?.items ?? []}
        locale={{ emptyText: t('inbox.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: tasks.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (total) => t('common.total', { count: total, n: fmt.num(total) }),
        }}
        onChange={(pagination, _filters, sorter) => {
          const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<Task> | undefined;
          const key = (s?.order ? (s.columnKey as SortKey) : undefined) ?? 'priority';
          set(
            {
              page: pagination.current ?? 1,
              pageSize: pagination.pageSize ?? 20,
              sort: key === 'priority' ? undefined : key,
              order: s?.order === 'descend' ? 'desc' : undefined,
            },
            false,
          );
        }}
        onRow={(task) =>
          ({
            'data-testid': `task-row-${task.taskId}`,
            'data-overdue': task.overdue ? 'true' : 'false',
            style: task.escalation ? { background: '#fff2e8' } : task.overdue ? { background: '#fff1f0' } : undefined,
          }) as HTMLAttributes<HTMLElement>
        }
        expandable={{
          expandedRowRender: (task) => (
            <Space orientation="vertical" size={4}>
              <Typography.Text type="secondary">{task.title}</Typography.Text>
              {task.dueExplanation && (
                <div>
                  <Typography.Text strong>{t('inbox.dueExplanation')}：</Typography.Text>
                  {task.dueExplanation}
                </div>
              )}
              {task.remindersSent.length > 0 && (
                <div>
                  <Typography.Text strong>{t('inbox.reminders')}：</Typography.Text>
                  {task.remindersSent.map((r) => (
                    <Tag key={r.deadline + r.at}>
                      {fmt.deadlineName(r.deadline)} · {fmt.dateTime(r.at)}
                    </Tag>
                  ))}
                </div>
              )}
              {task.outcome && (
                <div>
                  <Typography.Text strong>{t('inbox.outcome')}：</Typography.Text>
                  {fmt.action(task.outcome.action)} · {task.outcome.by.name} · {fmt.dateTime(task.outcome.at)}
                </div>
              )}
            </Space>
          ),
        }}
        columns={[
          {
            key: 'step',
            title: t('inbox.task'),
            sorter: true,
            sortOrder: sortOrderOf('step'),
            render: (_: unknown, task) => (
              <Space orientation="vertical" size={0}>
                <Tooltip title={task.title}>
                  <Typography.Text strong>{fmt.step(task.step, task.title)}</Typography.Text>
                </Tooltip>
                <CaseLink caseId={task.caseId} caseType={task.caseType}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {task.caseId}
                  </Typography.Text>
                </CaseLink>
              </Space>
            ),
          },
          {
            key: 'caseType',
            title: t('common.caseType'),
            sorter: true,
            sortOrder: sortOrderOf('caseType'),
            render: (_: unknown, task) => <Tag>{fmt.caseType(task.caseType)}</Tag>,
          },
          {
            key: 'due',
            title: t('inbox.due'),
            sorter: true,
            sortOrder: sortOrderOf('due'),
            render: (_: unknown, task) => <DueCell due={task.due} overdue={task.overdue} provisional={task.provisional} escalation={task.escalation} />,
          },
          {
            key: 'createdAt',
            title: t('common.createdAt'),
            sorter: true,
            sortOrder: sortOrderOf('createdAt'),
            responsive: ['lg'],
            render: (_: unknown, task) => fmt.date(task.createdAt),
          },
          { key: 'rule', title: t('common.rule'), responsive: ['xl'], render: (_: unknown, task) => <Tag>{task.rule}</Tag> },
          {
            key: 'claimedBy',
            title: t('inbox.claimedBy'),
            render: (_: unknown, task) => (task.claimedBy ? <Tag color="blue">{task.claimedBy.name}</Tag> : <Typography.Text type="secondary">{t('inbox.unclaimed')}</Typography.Text>),
          },
          { key: 'actions', title: t('common.actions'), render: (_: unknown, task) => <TaskActions task={task} onChanged={reload} /> },
        ]}
      />
    </div>
  );
}
