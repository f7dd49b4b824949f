/**
 * Selection plans (遴选方案): create one (POST /api/selection-plans, its form from /openapi.json), see
 * each plan's place in the selection (plan → notice → applications → review → expert panel →
 * recheck → approval → public notice → publication), and advance it from here: the plan's open
 * tasks (submit, approve, publish the selection notice) with their decision forms, and the actions
 * open to me (cancel). Test ids: `plans-table`, `create-plan`, `plan-tasks-<caseId>`.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Table, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../../auth/session';
import { useRemote } from '../../components/useRemote';
import { enc, staffApi, type CaseView, type Task } from './api';
import { DecisionModal, DueCell, TaskActions } from './components';
import { CreateModal } from './CreateModal';
import { useFmt } from './format';
import { CaseListTable } from './ListingPages';
import { flowIndex, SelectionFlow } from './RoundPages';

interface PlanSummary {
  title: string;
  kind: string;
  organiser: string;
  revision: number;
  occupations: { code: string; name: string }[];
  notice: { documentNumber: string; applicationWindow: { opens: string; closes: string }; publishedAt: string } | null;
  cancellation: { reason: string } | null;
}

export const roundIdOfPlan = (planId: string) => `selection-round:${planId.slice('selection-plan:'.length)}`;

function PlanDetails({ plan }: { plan: CaseView }) {
  const fmt = useFmt();
  const { session } = useSession();
  const p = session?.principal;
  const tasks = useRemote(() => staffApi.caseTasks(plan.caseId, true), [plan.caseId]);
  const c = useRemote(() => staffApi.getCase(plan.caseId), [plan.caseId]);
  const [action, setAction] = useState<string | null>(null);
  const reload = () => {
    void tasks.reload();
    void c.reload();
  };
  const current = c.data ?? plan;
  const free = [...new Map(current.availableActions.filter((g) => !g.taskKey).map((g) => [g.type, g])).values()];
  const mine = (task: Task) => p && task.assignee.role === p.role && task.assignee.unit === p.unit;
  return (
    <div data-testid={`plan-tasks-${plan.caseId}`}>
      <SelectionFlow current={flowIndex(current.status.code, undefined)} failed={current.status.code === 'cancelled'} />
      <Table<Task>
        size="small"
        rowKey="taskId"
        pagination={false}
        loading={tasks.loading}
        dataSource={tasks.data?.items ?? []}
        locale={{ emptyText: fmt.t('inbox.empty') }}
        onRow={(task) => ({ 'data-testid': `task-row-${task.taskId}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: fmt.t('plans.nextStep'), render: (_: unknown, task) => <Tooltip title={task.title}>{fmt.step(task.step, task.title)}</Tooltip> },
          { title: fmt.t('case.recipient'), render: (_: unknown, task) => `${fmt.unit(task.assignee.unit)} · ${fmt.t(`roles.${task.assignee.role}`, { ns: 'shell' })}` },
          { title: fmt.t('inbox.due'), render: (_: unknown, task) => <DueCell due={task.due} overdue={task.overdue} provisional={task.provisional} escalation={task.escalation} /> },
          { title: fmt.t('common.actions'), render: (_: unknown, task) => (mine(task) ? <TaskActions task={task} onChanged={reload} /> : null) },
        ]}
      />
      {free.length > 0 && (
        <Space style={{ marginTop: 8 }}>
          {free.map((g) => (
            <Button key={g.type} size="small" danger={g.type === 'CANCEL'} data-testid={`case-action-${g.type}`} onClick={() => setAction(g.type)}>
              {fmt.action(g.type, g.title)}
            </Button>
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
          caseId={plan.caseId}
          caseType="selectionPlan"
          actions={[action]}
        />
      )}
    </div>
  );
}

export function PlansPage() {
  const fmt = useFmt();
  const navigate = useNavigate();
  const { session } = useSession();
  const [creating, setCreating] = useState(false);
  const p = session?.principal;
  const canCreate = p?.role === 'officer' && (p.unit === 'national' || p.unit.startsWith('province:'));
  const kind = p?.unit === 'national' ? 'evaluation' : 'training';
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {fmt.t('plans.title')}
        </Typography.Title>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} data-testid="create-plan" onClick={() => setCreating(true)}>
            {fmt.t('plans.create')}
          </Button>
        )}
      </Space>
      <Alert
        type="info"
        style={{ marginBottom: 16 }}
        title={fmt.t('plans.flowTitle')}
        description={<SelectionFlow current={-1} />}
      />
      <CaseListTable
        caseType="selectionPlan"
        testId="plans-table"
        columns={[
          {
            key: 'title',
            title: fmt.t('summaryKeys.title'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as PlanSummary;
              return (
                <Space orientation="vertical" size={0}>
                  <Link to={`/console/cases/${enc(c.caseId)}`}>{s.title}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmt.kind(s.kind)} · {fmt.unit(s.organiser)} · {s.occupations.map((o) => o.name).join('、')}
                  </Typography.Text>
                </Space>
              );
            },
          },
          {
            key: 'notice',
            title: fmt.t('plans.notice'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as PlanSummary;
              if (!s.notice) return '—';
              return (
                <Space orientation="vertical" size={0}>
                  <span>{s.notice.documentNumber}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmt.date(s.notice.applicationWindow.opens)} – {fmt.date(s.notice.applicationWindow.closes)}
                  </Typography.Text>
                  <Link to={`/console/rounds/${enc(roundIdOfPlan(c.caseId))}`}>{fmt.t('plans.round')}</Link>
                </Space>
              );
            },
          },
        ]}
        expandable={{ expandedRowRender: (c: CaseView) => <PlanDetails plan={c} />, defaultExpandAllRows: false }}
      />
      {creating && (
        <CreateModal
          path="/api/selection-plans"
          title={fmt.t('plans.create')}
          submitText={fmt.t('plans.create')}
          testId="create-plan-modal"
          formData={{ kind, reference: `${dayjs().year()}-${dayjs().format('MMDDHHmm')}`, draft: { title: '', occupations: [{ code: '', name: '' }], requirements: '' } }}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            void navigate(`/console/cases/${enc(created.caseId)}`);
          }}
        />
      )}
    </div>
  );
}
