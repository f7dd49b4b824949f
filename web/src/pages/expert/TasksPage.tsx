/**
 * An expert's or inspector's tasks (`GET /api/inbox`): their own panel votes (R7.3) or findings to
 * record (R16) — nothing of anyone else's. Open and done, earliest due first.
 * Test ids: `expert-tasks`, `expert-task-<taskId>`, `expert-task-open-<taskId>`.
 */
import { Button, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../auth/session';
import { ProvisionalTag } from '../../components/DeadlineExplained';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type Task } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';

const enc = encodeURIComponent;
export const taskLink = (taskId: string) => `/expert/tasks/${enc(taskId)}`;

export function TasksPage() {
  const { t } = useTranslation('expert');
  const fmt = useParticipantFormat();
  const { session } = useSession();
  const [status, setStatus] = useState<'active' | 'closed'>('active');
  const remote = useRemote(() => participantApi.inbox({ status, limit: 200 }), [status]);
  const inspector = session?.principal.role === 'inspector';

  const columns: TableColumnsType<Task> = [
    {
      key: 'task',
      title: t('tasks.columns.task'),
      render: (_, task) => (
        <Space orientation="vertical" size={0}>
          <Link to={taskLink(task.taskId)}>{fmt.step(task.step, task.title)}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {task.title}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'case', title: t('tasks.columns.case'), render: (_, task) => <Typography.Text type="secondary">{task.caseId}</Typography.Text> },
    {
      key: 'due',
      title: t('tasks.columns.due'),
      render: (_, task) => (
        <Space wrap>
          <span>{task.dueDate ? fmt.day(task.dueDate) : '—'}</span>
          {task.overdue && <Tag color="red">{fmt.t('task.overdue')}</Tag>}
          {task.provisional && <ProvisionalTag fmt={fmt} />}
          <Tag>{task.rule}</Tag>
        </Space>
      ),
    },
    status === 'active'
      ? { key: 'status', title: t('tasks.columns.status'), render: (_, task) => <Tag color="processing">{t(`tasks.statuses.${task.status}`)}</Tag> }
      : { key: 'outcome', title: t('tasks.columns.outcome'), render: (_, task) => (task.outcome ? `${fmt.event(task.outcome.action)} · ${fmt.instant(task.outcome.at)}` : t(`tasks.statuses.${task.status}`)) },
    {
      key: 'action',
      title: t('tasks.columns.action'),
      render: (_, task) => (
        <Link to={taskLink(task.taskId)}>
          <Button size="small" type={status === 'active' ? 'primary' : 'default'} data-testid={`expert-task-open-${task.taskId}`}>
            {status === 'active' ? t('tasks.handle') : t('tasks.view')}
          </Button>
        </Link>
      ),
    },
  ];

  return (
    <div>
      <Typography.Title level={3}>{t('tasks.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{inspector ? t('tasks.introInspector') : t('tasks.introExpert')}</Typography.Paragraph>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as 'active' | 'closed')}
        options={[
          { value: 'active', label: t('tasks.open') },
          { value: 'closed', label: t('tasks.closed') },
        ]}
        data-testid="expert-tasks-status"
      />
      <ApiErrorAlert error={remote.error} />
      <div data-testid="expert-tasks">
        <Table<Task>
          rowKey="taskId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('tasks.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(task) => ({ 'data-testid': `expert-task-${task.taskId}` }) as HTMLAttributes<HTMLElement>}
        />
      </div>
    </div>
  );
}
