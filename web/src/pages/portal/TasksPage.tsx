/**
 * "My deadlines and tasks": the institution's open tasks from its inbox (`GET /api/inbox`: corrections,
 * rectification evidence…) with their due dates, and every coming deadline of its running cases
 * (`GET /api/my/cases?final=false`), each with its explanation — the rule, the day counted from, the
 * days skipped and why, and whether it is provisional. Test ids: `portal-tasks`, `portal-task-<taskId>`,
 * `portal-deadlines`, `portal-deadline-<caseId>-<name>`.
 */
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DeadlineHow, ProvisionalTag } from '../../components/DeadlineExplained';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type Deadline, type Task } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { caseLink } from './ListingsPage';
import { PortalNav } from './PortalNav';

interface DeadlineRow extends Deadline {
  caseId: string;
  caseType: string;
  label: string;
}

export function TasksPage() {
  const { t } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const tasks = useRemote(() => participantApi.inbox({ status: 'active', limit: 200 }), []);
  const cases = useRemote(() => participantApi.myCases({ final: false, limit: 200 }), []);
  const now = Date.now();

  const deadlines: DeadlineRow[] = (cases.data?.items ?? [])
    .flatMap((c) => {
      const s = c.summary as { occupation?: { name: string }; title?: string };
      const label = `${fmt.caseType(c.caseType)} · ${s.occupation?.name ?? s.title ?? c.caseId}`;
      return c.deadlines.map((d) => ({ ...d, caseId: c.caseId, caseType: c.caseType, label }));
    })
    .filter((d) => Date.parse(d.at) >= now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const taskColumns: TableColumnsType<Task> = [
    {
      key: 'task',
      title: t('tasks.columns.task'),
      render: (_, task) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{fmt.step(task.step, task.title)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {task.title}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'case', title: t('tasks.columns.case'), render: (_, task) => <Link to={caseLink(task.caseId)}>{fmt.caseType(task.caseType)}</Link> },
    {
      key: 'due',
      title: t('tasks.columns.due'),
      render: (_, task) => (
        <Space orientation="vertical" size={0}>
          <Space wrap>
            <span>{task.dueDate ? fmt.day(task.dueDate) : '—'}</span>
            {task.overdue && <Tag color="red">{fmt.t('task.overdue')}</Tag>}
            {task.provisional && <ProvisionalTag fmt={fmt} />}
          </Space>
          {(() => {
            // The case's deadline this task stands for, with its structured explanation; else the task's own text.
            const d = (cases.data?.items ?? []).find((c) => c.caseId === task.caseId)?.deadlines.find((x) => x.at === task.due);
            if (d) return <DeadlineHow deadline={d} fmt={fmt} />;
            return task.dueExplanation ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {task.dueExplanation}
              </Typography.Text>
            ) : null;
          })()}
        </Space>
      ),
    },
    { key: 'rule', title: t('tasks.columns.rule'), render: (_, task) => <Tag>{task.rule}</Tag> },
    {
      key: 'open',
      title: '',
      render: (_, task) => (
        <Link to={caseLink(task.caseId, task.actions[0])}>
          <Button size="small" type="primary">
            {t('tasks.open')}
          </Button>
        </Link>
      ),
    },
  ];

  const deadlineColumns: TableColumnsType<DeadlineRow> = [
    {
      key: 'deadline',
      title: t('tasks.columns.deadline'),
      render: (_, d) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{fmt.deadlineName(d.name)}</Typography.Text>
          <Link to={caseLink(d.caseId)} style={{ fontSize: 12 }}>
            {d.label}
          </Link>
        </Space>
      ),
    },
    {
      key: 'due',
      title: t('tasks.columns.due'),
      render: (_, d) => (
        <Space wrap>
          <span>{fmt.day(d.date)}</span>
          {d.provisional && <ProvisionalTag fmt={fmt} />}
        </Space>
      ),
    },
    { key: 'rule', title: t('tasks.columns.rule'), render: (_, d) => <Tag>{d.rule}</Tag> },
    { key: 'how', title: t('tasks.columns.how'), render: (_, d) => <DeadlineHow deadline={d} fmt={fmt} /> },
  ];

  return (
    <div>
      <PortalNav />
      <Typography.Title level={3}>{t('tasks.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('tasks.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={tasks.error ?? cases.error} />
      <Card title={t('tasks.todo')} size="small" style={{ marginBottom: 16 }}>
        <div data-testid="portal-tasks">
          <Table<Task>
            rowKey="taskId"
            size="small"
            columns={taskColumns}
            dataSource={tasks.data?.items ?? []}
            loading={tasks.loading}
            pagination={false}
            locale={{ emptyText: t('tasks.empty') }}
            scroll={{ x: 'max-content' }}
            onRow={(task) => ({ 'data-testid': `portal-task-${task.taskId}` }) as HTMLAttributes<HTMLElement>}
          />
        </div>
      </Card>
      <Card title={t('tasks.deadlines')} size="small">
        <div data-testid="portal-deadlines">
          <Table<DeadlineRow>
            rowKey={(d) => `${d.caseId}~${d.name}`}
            size="small"
            columns={deadlineColumns}
            dataSource={deadlines}
            loading={cases.loading}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: t('tasks.noDeadlines') }}
            scroll={{ x: 'max-content' }}
            onRow={(d) => ({ 'data-testid': `portal-deadline-${d.caseId}-${d.name}` }) as HTMLAttributes<HTMLElement>}
          />
        </div>
      </Card>
    </div>
  );
}
