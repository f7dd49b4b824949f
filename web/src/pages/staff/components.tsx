/**
 * Pieces the staff pages share: status tags, due dates, case links, deadline tables with their
 * explanations, the claim/release/complete buttons of a task and the decision form (a command's
 * payload schema rendered by @rjsf/antd) that completes it or sends a case action.
 */
import { CheckCircleOutlined, ExclamationCircleOutlined, FieldTimeOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Radio, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { SchemaForm, type JsonSchema } from '../../components/SchemaForm';
import { casePath, loadCaseTypes, staffApi, type CaseView, type CommandInfo, type Deadline, type HistoryEntry, type Status, type Task } from './api';
import { useFmt, type Fmt } from './format';

export function StatusTag({ status }: { status: Status }) {
  const fmt = useFmt();
  const overdue = status.code.endsWith('.overdue');
  const color = overdue ? 'red' : status.final ? 'default' : 'processing';
  return (
    <Tooltip title={status.label}>
      <Tag color={color} data-status={status.code}>
        {fmt.status(status)}
      </Tag>
    </Tooltip>
  );
}

export function CaseLink({ caseId, caseType, children }: { caseId: string; caseType?: string; children?: ReactNode }) {
  return (
    <Link to={casePath(caseId, caseType)} data-testid={`case-link-${caseId}`}>
      {children ?? <Typography.Text code>{caseId}</Typography.Text>}
    </Link>
  );
}

export function DueCell({ due, overdue, provisional, escalation }: { due: string | null; overdue?: boolean; provisional?: boolean; escalation?: boolean }) {
  const fmt = useFmt();
  const days = due && overdue ? Math.max(1, dayjs().diff(dayjs(due), 'day')) : 0;
  return (
    <Space size={4} wrap>
      {escalation && <Tag color="volcano">{fmt.t('common.escalation')}</Tag>}
      {due ? (
        <Tooltip title={fmt.dateTime(due)}>
          <span style={{ color: overdue ? '#cf1322' : undefined, fontWeight: overdue ? 600 : undefined }}>{fmt.date(due)}</span>
        </Tooltip>
      ) : (
        <Typography.Text type="secondary">{fmt.t('common.noDue')}</Typography.Text>
      )}
      {overdue && <Tag color="red" icon={<ExclamationCircleOutlined />}>{fmt.t('common.daysOverdue', { count: fmt.num(days) })}</Tag>}
      {due && !overdue && <Typography.Text type="secondary">({fmt.fromNow(due)})</Typography.Text>}
      {provisional && (
        <Tooltip title={fmt.t('common.provisionalHint')}>
          <Tag color="gold">{fmt.t('common.provisional')}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

/** How a deadline was computed: rule, start, period, each skipped day and why, provisional or not. */
export function DeadlineExplanation({ d, fmt }: { d: Deadline; fmt: Fmt }) {
  const e = d.explanation;
  const runs = fmt.skippedRuns(e.skipped ?? []);
  return (
    <div style={{ fontSize: 13 }}>
      <div>
        {fmt.t('common.rule')}: <Tag>{e.rule ?? d.rule}</Tag>
        {e.start && (
          <>
            {fmt.t('case.start')}: {fmt.date(e.start)} · {fmt.t('case.offset')}: {fmt.offset(e.offset)}
          </>
        )}
      </div>
      <div>
        {fmt.t('case.skipped')}: {runs.length ? runs.join('、') : fmt.t('case.noSkipped')}
      </div>
      {d.provisional && <Alert style={{ marginTop: 4 }} type="warning" showIcon title={fmt.t('common.provisionalHint')} />}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {e.text}
      </Typography.Text>
    </div>
  );
}

export function DeadlinesTable({ deadlines, testId }: { deadlines: Deadline[]; testId?: string }) {
  const fmt = useFmt();
  const now = Date.now();
  const rows = [...deadlines].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <div data-testid={testId}>
    <Table<Deadline>
      size="small"
      rowKey="name"
      pagination={false}
      dataSource={rows}
      expandable={{ expandedRowRender: (d) => <DeadlineExplanation d={d} fmt={fmt} />, rowExpandable: () => true }}
      columns={[
        { title: fmt.t('case.deadlineName'), dataIndex: 'name', render: (n: string) => fmt.deadlineName(n) },
        { title: fmt.t('common.rule'), dataIndex: 'rule', render: (r: string) => <Tag>{r}</Tag> },
        {
          title: fmt.t('case.date'),
          dataIndex: 'at',
          render: (_: string, d) => (
            <Space size={4}>
              <Tooltip title={fmt.dateTime(d.at)}>{fmt.date(d.at)}</Tooltip>
              {Date.parse(d.at) < now ? <Tag>{fmt.t('case.passed')}</Tag> : <Tag color="blue" icon={<FieldTimeOutlined />}>{fmt.fromNow(d.at)}</Tag>}
              {d.provisional && (
                <Tooltip title={fmt.t('common.provisionalHint')}>
                  <Tag color="gold">{fmt.t('common.provisional')}</Tag>
                </Tooltip>
              )}
            </Space>
          ),
        },
        {
          title: fmt.t('case.skipped'),
          render: (_: unknown, d) => {
            const runs = fmt.skippedRuns(d.explanation.skipped ?? []);
            return runs.length ? (
              <Tooltip title={runs.join('、')}>
                <Tag>{fmt.num(d.explanation.skipped?.length ?? 0)}</Tag>
              </Tooltip>
            ) : (
              '—'
            );
          },
        },
      ]}
    />
    </div>
  );
}

export function ErrorAlert({ error }: { error: Error | undefined }) {
  const fmt = useFmt();
  if (!error) return null;
  return <Alert type="error" showIcon title={fmt.t('common.loadFailed')} description={error.message} style={{ marginBottom: 16 }} />;
}

/** Field values a decision can take from its task (the objection a task is about, the year of a report). */
function prefill(task: Task | undefined, action: string, c: CaseView | undefined, history: HistoryEntry[] | undefined): Record<string, unknown> | undefined {
  const key = task ? task.taskId.slice(task.taskId.lastIndexOf('~') + 1) : '';
  const s = (c?.summary ?? {}) as Record<string, unknown>;
  switch (action) {
    case 'UPHOLD_OBJECTION':
    case 'DISMISS_OBJECTION':
      return task?.step === 'round.decideObjection' ? { objectionId: key } : undefined;
    case 'REVIEW_ANNUAL_REPORT': {
      const m = /reviewAnnualReport-(\d{4})/.exec(key);
      return m ? { year: Number(m[1]) } : undefined;
    }
    case 'RECORD_FOLLOW_UP':
    case 'RECORD_ESCALATION': {
      const report = /annualReportOverdue-(\d{4})-L(\d)/.exec(key);
      if (report) return { year: Number(report[1]), level: Number(report[2]) };
      const level = /-L(\d)$/.exec(key);
      return level ? { level: Number(level[1]) } : undefined;
    }
    case 'PUBLISH_NOTICE': {
      const today = dayjs().format('YYYY-MM-DD');
      return { occupations: s.occupations, applicationWindow: { opens: today, closes: dayjs().add(30, 'day').format('YYYY-MM-DD') } };
    }
    case 'EDIT_DRAFT': {
      const last = [...(history ?? [])].reverse().find((h) => h.event.draft || (h.event.input as { draft?: unknown } | undefined)?.draft);
      const draft = (last?.event.draft ?? (last?.event.input as { draft?: unknown } | undefined)?.draft) as Record<string, unknown> | undefined;
      return draft ? { draft } : { draft: { title: s.title, occupations: s.occupations, requirements: '' } };
    }
    default:
      return undefined;
  }
}

export interface DecisionModalProps {
  open: boolean;
  onClose: () => void;
  onDone: () => void;
  caseId: string;
  caseType: string;
  /** The commands to choose from: a task's actions, or one case action. */
  actions: string[];
  task?: Task;
}

/** The decision form: choose one of the task's actions, fill in its payload (JSON schema → form), submit. */
export function DecisionModal({ open, onClose, onDone, caseId, caseType, actions, task }: DecisionModalProps) {
  const fmt = useFmt();
  const { message } = App.useApp();
  const [commands, setCommands] = useState<Map<string, CommandInfo> | null>(null);
  const [loadError, setLoadError] = useState<Error | undefined>();
  const [action, setAction] = useState(actions[0] ?? '');
  const [context, setContext] = useState<{ c?: CaseView; history?: HistoryEntry[]; loaded?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields?: { field: string; message: string }[] } | null>(null);

  const actionsKey = actions.join(',');
  useEffect(() => {
    if (!open) return;
    const actions = actionsKey.split(',');
    setAction(actions[0] ?? '');
    setError(null);
    loadCaseTypes().then((m) => setCommands(new Map((m.get(caseType)?.commands ?? []).map((c) => [c.type, c]))), setLoadError);
    const needsCase = actions.some((a) => a === 'PUBLISH_NOTICE' || a === 'EDIT_DRAFT');
    if (needsCase) {
      void Promise.all([staffApi.getCase(caseId), actions.includes('EDIT_DRAFT') ? staffApi.history(caseId) : Promise.resolve(undefined)]).then(
        ([c, h]) => setContext({ c, history: h?.items, loaded: true }),
        () => setContext({ loaded: true }),
      );
    }
  }, [open, caseId, caseType, actionsKey]);

  const command = commands?.get(action);
  const formData = useMemo(() => prefill(task, action, context.c, context.history), [task, action, context]);
  // A form prefilled from the case waits for it: mounted earlier, it would keep the fields it started with.
  const waitingForCase = (action === 'PUBLISH_NOTICE' || action === 'EDIT_DRAFT') && !context.loaded;
  const title = task ? fmt.t('decision.title', { step: fmt.step(task.step, task.title) }) : fmt.t('decision.caseAction', { action: fmt.action(action) });

  const submit = async (payload: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      if (task) await staffApi.complete(task.taskId, action, payload);
      else await staffApi.caseAction(caseId, action, payload);
      void message.success(fmt.t('decision.done', { action: fmt.action(action) }));
      onDone();
    } catch (e) {
      const details = e instanceof ApiError ? (e.details as { fields?: { field: string; message: string }[]; rule?: string } | undefined) : undefined;
      setError({ message: e instanceof Error ? e.message : String(e), fields: details?.fields });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={title} onCancel={onClose} footer={null} width={720} destroyOnHidden data-testid="decision-modal">
      {task && (
        <Typography.Paragraph type="secondary">
          {task.title} · <Tag>{task.rule}</Tag>
        </Typography.Paragraph>
      )}
      {actions.length > 1 && (
        <div style={{ marginBottom: 16 }}>
          <Typography.Text strong>{fmt.t('decision.chooseAction')}</Typography.Text>
          <div style={{ marginTop: 8 }}>
            <Radio.Group value={action} onChange={(e) => setAction(e.target.value as string)} optionType="button" buttonStyle="solid">
              {actions.map((a) => (
                <Radio.Button key={a} value={a}>
                  <span data-testid={`decision-action-${a}`}>{fmt.action(a, commands?.get(a)?.title)}</span>
                </Radio.Button>
              ))}
            </Radio.Group>
          </div>
        </div>
      )}
      {command && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {command.title} ({command.rule})
        </Typography.Paragraph>
      )}
      {error && <Alert type="error" showIcon title={fmt.t('decision.failed')} description={error.message} style={{ marginBottom: 16 }} data-testid="decision-error" />}
      {loadError && <Alert type="error" showIcon title={loadError.message} />}
      {(!commands || waitingForCase) && !loadError && <Spin description={fmt.t('decision.loading')} />}
      {command && !waitingForCase && (
        <SchemaForm
          key={`${action}:${formData ? 'prefilled' : 'empty'}`}
          schema={command.payload as JsonSchema}
          formData={formData}
          onSubmit={submit}
          busy={busy}
          serverErrors={error?.fields}
          submitText={fmt.action(action, command.title)}
          submitTestId="decision-submit"
          extra={<Button onClick={onClose}>{fmt.t('common.cancel')}</Button>}
        />
      )}
    </Modal>
  );
}

/** Claim, release and complete, as the task's state and its claim allow. */
export function TaskActions({ task, onChanged, size = 'small' }: { task: Task; onChanged: () => void; size?: 'small' | 'middle' }) {
  const fmt = useFmt();
  const { session } = useSession();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [deciding, setDeciding] = useState(false);
  const me = session?.principal.id;
  const active = task.status === 'open' || task.status === 'claimed';
  const mine = task.claimedBy?.id === me;
  const takenByOther = task.claimedBy !== null && !mine;

  const run = async (what: 'claim' | 'release') => {
    setBusy(what);
    try {
      await (what === 'claim' ? staffApi.claim(task.taskId) : staffApi.release(task.taskId));
      void message.success(fmt.t(what === 'claim' ? 'inbox.claimed' : 'inbox.released'));
      onChanged();
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
      onChanged();
    } finally {
      setBusy(null);
    }
  };

  if (!active) {
    return task.outcome ? (
      <Tag icon={<CheckCircleOutlined />} color="success">
        {fmt.action(task.outcome.action)} · {task.outcome.by.name}
      </Tag>
    ) : (
      <Tag>{task.status}</Tag>
    );
  }
  return (
    <Space size={4} onClick={(e) => e.stopPropagation()}>
      {task.status === 'open' && (
        <Button size={size} data-testid="task-claim" loading={busy === 'claim'} onClick={() => void run('claim')}>
          {fmt.t('inbox.claim')}
        </Button>
      )}
      {mine && (
        <Button size={size} data-testid="task-release" loading={busy === 'release'} onClick={() => void run('release')}>
          {fmt.t('inbox.release')}
        </Button>
      )}
      <Button size={size} type="primary" data-testid="task-complete" disabled={takenByOther} onClick={() => setDeciding(true)}>
        {fmt.t('inbox.complete')}
      </Button>
      {deciding && (
        <DecisionModal
          open={deciding}
          onClose={() => setDeciding(false)}
          onDone={() => {
            setDeciding(false);
            onChanged();
          }}
          caseId={task.caseId}
          caseType={task.caseType}
          actions={task.actions}
          task={task}
        />
      )}
    </Space>
  );
}
