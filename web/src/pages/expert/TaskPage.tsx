/**
 * One task of an expert or inspector, completed through the inbox (`POST /api/tasks/:id/complete`):
 *  - a panel vote (R7.3): the application's materials (`GET /api/applications/:caseId/materials`) and the
 *    vote form (CAST_VOTE's payload schema), or declining / recusal — never the panel or others' votes;
 *  - findings of a random inspection (R16): the inspector's own assignment
 *    (`GET /api/inspections/:caseId/assignments`) with the R10–R12 checklist of the institution's kind,
 *    rendered from RECORD_FINDINGS' payload schema, one entry per checklist item;
 *  - any other step: a form per action from its payload schema.
 * Test ids: `expert-task-page`, `vote-materials`, `vote-choice`, `vote-<field>`, `vote-submit`, `vote-done`,
 * `findings-form`, `findings-<field>`, `findings-submit`, `findings-done`, `task-error`.
 */
import { Alert, Card, Descriptions, Empty, Result, Segmented, Space, Spin, Table, Tag, Typography } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { DeadlineHow, ProvisionalTag } from '../../components/DeadlineExplained';
import { ApiErrorAlert, FieldTestIds } from '../../components/ParticipantBits';
import { choiceNotPrefilled, commandSchema, participantApi, unanswered, type Assignment, type Materials, type Task } from '../../components/participantApi';
import { useParticipantFormat, type ParticipantFormat } from '../../components/participantI18n';
import { SchemaForm, type JsonSchema } from '../../components/SchemaForm';
import { useRemote } from '../../components/useRemote';

type FieldError = { field: string; message: string };
const fieldErrors = (e: unknown) => (e instanceof ApiError ? ((e.details as { fields?: FieldError[] } | undefined)?.fields ?? undefined) : undefined);

export function TaskPage() {
  const { t } = useTranslation('expert');
  const fmt = useParticipantFormat();
  const { taskId = '' } = useParams();
  const task = useRemote(() => participantApi.task(taskId), [taskId]);
  const [justDone, setJustDone] = useState(false);
  const onDone = () => {
    setJustDone(true);
    void task.reload();
  };

  if (task.loading && !task.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!task.data) {
    return (
      <div>
        <Link to="/expert/tasks">{t('task.back')}</Link>
        <Result status="404" title={t('task.notFound')} />
      </div>
    );
  }
  const tk = task.data;
  const active = tk.status === 'open' || tk.status === 'claimed';
  return (
    <div data-testid="expert-task-page">
      <div>
        <Link to="/expert/tasks">{t('task.back')}</Link>
      </div>
      <Space style={{ margin: '8px 0 16px' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {fmt.step(tk.step, tk.title)}
        </Typography.Title>
        <Tag>{tk.rule}</Tag>
      </Space>
      <TaskDue task={tk} fmt={fmt} />
      {justDone && (
        <Result
          status="success"
          title={<span data-testid={tk.step === 'application.vote' ? 'vote-done' : tk.step === 'inspection.recordFindings' ? 'findings-done' : 'task-done'}>{tk.step === 'application.vote' ? t('vote.done') : tk.step === 'inspection.recordFindings' ? t('findings.done') : t('vote.doneOther')}</span>}
          extra={<Link to="/expert/tasks">{t('task.back')}</Link>}
        />
      )}
      {!active && !justDone ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('task.closed')} description={tk.outcome ? t('task.outcome', { action: fmt.event(tk.outcome.action), date: fmt.instant(tk.outcome.at) }) : undefined} />
      ) : null}
      {tk.step === 'application.vote' ? (
        <VoteTask task={tk} active={active} fmt={fmt} onDone={onDone} />
      ) : tk.step === 'inspection.recordFindings' ? (
        <FindingsTask task={tk} active={active} fmt={fmt} onDone={onDone} />
      ) : active ? (
        <GenericTask task={tk} onDone={onDone} />
      ) : null}
    </div>
  );
}

/** When the task is due and why: the case's deadline it stands for (rule, start, days skipped), else the task's own explanation. */
function TaskDue({ task, fmt }: { task: Task; fmt: ParticipantFormat }) {
  const { t } = useTranslation('expert');
  const active = task.status === 'open' || task.status === 'claimed';
  const c = useRemote(() => participantApi.case(task.caseId), [task.caseId], { skip: !active || !task.due });
  if (!task.dueDate) return null;
  const deadline = c.data?.deadlines.find((d) => d.at === task.due);
  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Space wrap align="start">
        <Typography.Text>{fmt.t('common.labelled', { label: t('task.due'), value: '' })}</Typography.Text>
        <Typography.Text strong data-testid="task-due">
          {fmt.day(task.dueDate)}
        </Typography.Text>
        {task.overdue && <Tag color="red">{fmt.t('task.overdue')}</Tag>}
        {task.provisional && <ProvisionalTag fmt={fmt} />}
        {deadline ? (
          <>
            <Tag>{deadline.rule}</Tag>
            <DeadlineHow deadline={deadline} fmt={fmt} />
          </>
        ) : (
          task.dueExplanation && <Typography.Text type="secondary">{task.dueExplanation}</Typography.Text>
        )}
      </Space>
    </Card>
  );
}

interface Shaped {
  schema: JsonSchema;
  ui?: Record<string, unknown>;
  initial?: Record<string, unknown>;
  toPayload?: (data: Record<string, unknown>) => Record<string, unknown>;
}

/** One action of a task as a form from its payload schema (reshaped by `shape` when given); completes the task. */
function ActionForm({ task, action, prefix, submitText, submitTestId, shape, onDone }: {
  task: Task;
  action: string;
  prefix: string;
  submitText: string;
  submitTestId: string;
  shape?: (s: JsonSchema) => Shaped;
  onDone: () => void;
}) {
  const schema = useRemote(() => commandSchema(task.caseType, action), [task.caseType, action]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const shown = useMemo<Shaped | null>(() => (schema.data ? (shape ? shape(schema.data) : { schema: schema.data }) : null), [schema.data, shape]);

  const submit = async (data: Record<string, unknown>) => {
    if (!shown) return;
    setBusy(true);
    setError(null);
    try {
      // toPayload checks the choices the form leaves optional (see choiceNotPrefilled) and throws when one is missing.
      await participantApi.completeTask(task.taskId, action, shown.toPayload ? shown.toPayload(data) : data);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <ApiErrorAlert error={error ?? schema.error} testId="task-error" />
      {!shown ? (
        <Spin />
      ) : (
        <FieldTestIds prefix={prefix}>
          <SchemaForm schema={shown.schema} uiSchema={shown.ui} formData={shown.initial} onSubmit={submit} busy={busy} submitText={submitText} submitTestId={submitTestId} serverErrors={action === 'RECORD_FINDINGS' ? undefined : fieldErrors(error)} />
        </FieldTestIds>
      )}
    </div>
  );
}

function factValue(v: unknown, t: (k: string, o?: Record<string, unknown>) => string, fmt: ParticipantFormat): ReactNode {
  if (v === true) return t('vote.yes');
  if (v === false) return t('vote.no');
  if (v === undefined || v === null || v === '') return <Typography.Text type="secondary">{t('vote.notStated')}</Typography.Text>;
  if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && 'year' in x && 'personTimes' in x)) {
    return (
      <Space orientation="vertical" size={0}>
        {(v as { year: number; personTimes: number }[]).map((x) => (
          <span key={x.year}>{t('vote.personTimesRow', { year: x.year, n: x.personTimes })}</span>
        ))}
      </Space>
    );
  }
  if (Array.isArray(v)) {
    return (
      <Space orientation="vertical" size={0}>
        {v.map((x, i) => (
          <span key={i}>{typeof x === 'object' && x ? Object.entries(x as Record<string, unknown>).map(([k, y]) => fmt.t('common.labelled', { label: fmt.t(`facts.${k}`, { defaultValue: k }), value: String(y) })).join(' · ') : String(x)}</span>
        ))}
      </Space>
    );
  }
  if (typeof v === 'object') {
    return (
      <Space orientation="vertical" size={0}>
        {Object.entries(v as Record<string, unknown>).map(([k, y]) => (
          <span key={k}>
            {fmt.t('common.labelled', { label: fmt.t(`facts.${k}`, { defaultValue: k }), value: '' })}
            {factValue(y, t, fmt)}
          </span>
        ))}
      </Space>
    );
  }
  return String(v);
}

function MaterialsView({ m, fmt }: { m: Materials; fmt: ParticipantFormat }) {
  const { t } = useTranslation('expert');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="vote-materials">
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'institution', label: t('vote.institution'), children: `${m.institution.name} · ${fmt.province(m.institution.province)}` },
          { key: 'occupation', label: t('vote.occupation'), children: `${m.occupation.name} (${m.occupation.code})` },
          { key: 'kind', label: t('vote.kind'), children: fmt.kind(m.kind) },
          { key: 'recommender', label: t('vote.recommender'), children: fmt.unit(m.recommender) },
          { key: 'priority', label: t('vote.priority'), children: fmt.priority(m.priority) },
          { key: 'submittedAt', label: t('vote.submittedAt'), children: fmt.instant(m.submittedAt) },
        ]}
      />
      <Card size="small" title={t('vote.facts')}>
        {Object.keys(m.facts).length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Descriptions size="small" column={1} items={Object.entries(m.facts).map(([k, v]) => ({ key: k, label: fmt.t(`facts.${k}`, { defaultValue: k }), children: factValue(v, t, fmt) }))} />
        )}
      </Card>
      <Card size="small" title={t('vote.flags')}>
        {m.flags.length === 0
          ? t('vote.noFlags')
          : m.flags.map((f, i) => (
              <div key={i}>
                <Tag>{f.rule}</Tag>
                {fmt.eligibility(f.check)} — <Typography.Text type="secondary">{f.reason}</Typography.Text>
              </div>
            ))}
      </Card>
      {m.corrections.length > 0 && (
        <Card size="small" title={t('vote.corrections')}>
          {m.corrections.map((c, i) => (
            <Descriptions
              key={i}
              size="small"
              column={1}
              items={[
                { key: 'items', label: `${t('vote.correctionItems')}${fmt.t('common.paren', { text: fmt.instant(c.requestedAt) })}`, children: c.items },
                { key: 'note', label: t('vote.correctionNote'), children: c.submittedAt ? `${c.note ?? ''}${fmt.t('common.paren', { text: fmt.instant(c.submittedAt) })}` : t('vote.notSubmitted') },
              ]}
            />
          ))}
        </Card>
      )}
    </Space>
  );
}

const VOTE_ACTIONS = ['CAST_VOTE', 'DECLINE_PANEL', 'DECLARE_CONFLICT'] as const;

function VoteTask({ task, active, fmt, onDone }: { task: Task; active: boolean; fmt: ParticipantFormat; onDone: () => void }) {
  const { t } = useTranslation('expert');
  const materials = useRemote(() => participantApi.materials(task.caseId), [task.caseId], { skip: !active });
  const [choice, setChoice] = useState<(typeof VOTE_ACTIONS)[number]>('CAST_VOTE');
  const choices = VOTE_ACTIONS.filter((a) => task.actions.includes(a));
  // R7.3: recommend or not, chosen on purpose — never a preset "no" (see choiceNotPrefilled).
  const voteShape = useMemo(
    () =>
      (base: JsonSchema): Shaped => ({
        schema: choiceNotPrefilled(base, 'recommend'),
        ui: { 'ui:order': ['recommend', 'score', 'comments', '*'], recommend: { 'ui:title': `${t('vote.recommend')} *` }, comments: { 'ui:widget': 'textarea', 'ui:options': { rows: 4 } } },
        toPayload: (data) => {
          const missing = unanswered(data, { recommend: t('vote.recommend') });
          if (missing.length > 0) throw new Error(fmt.t('error.choose', { fields: missing.join('、') }));
          return data;
        },
      }),
    [fmt, t],
  );
  return (
    <div>
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('vote.confidential')} data-testid="vote-confidential" />
      {active && (
        <>
          <Card size="small" title={materials.data ? t('vote.title', { occupation: materials.data.occupation.name }) : t('vote.materials')} style={{ marginBottom: 16 }}>
            <ApiErrorAlert error={materials.error} />
            {materials.data ? <MaterialsView m={materials.data} fmt={fmt} /> : <Spin />}
          </Card>
          <Card size="small" title={t('vote.decide')}>
            <Segmented
              style={{ marginBottom: 16 }}
              value={choice}
              onChange={(v) => setChoice(v as (typeof VOTE_ACTIONS)[number])}
              options={choices.map((a) => ({ value: a, label: t(`vote.choices.${a}`) }))}
              data-testid="vote-choice"
            />
            <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t(`vote.help.${choice}`)} />
            <ActionForm
              key={choice}
              task={task}
              action={choice}
              prefix="vote"
              submitText={choice === 'CAST_VOTE' ? t('vote.submit') : t('vote.submitOther')}
              submitTestId={choice === 'CAST_VOTE' ? 'vote-submit' : `vote-submit-${choice}`}
              shape={choice === 'CAST_VOTE' ? voteShape : undefined}
              onDone={onDone}
            />
          </Card>
        </>
      )}
    </div>
  );
}

/**
 * The RECORD_FINDINGS form of one assignment: the payload's checklist array shown as one entry per
 * checklist item of the institution's kinds (result and note from the payload's own item schema), the
 * findings with the inspected listings as choices, the summary; turned back into the payload on submit.
 */
function findingsForm(base: JsonSchema, a: Assignment, fmt: ParticipantFormat, t: (k: string, o?: Record<string, unknown>) => string): Shaped {
  const props = (base.properties ?? {}) as Record<string, JsonSchema>;
  const itemProps = (((props.checklist?.items as JsonSchema | undefined)?.properties ?? {}) as Record<string, JsonSchema>);
  const findingItems = (props.findings?.items ?? { type: 'object', properties: {} }) as JsonSchema;
  const findingProps = (findingItems.properties ?? {}) as Record<string, JsonSchema>;
  const key = (id: string) => id.replace(/[^A-Za-z0-9]/g, '-');
  const schema: JsonSchema = {
    type: 'object',
    required: ['checklist', 'summary'],
    properties: {
      checklist: {
        type: 'object',
        properties: Object.fromEntries(
          a.checklist.map((c) => [
            key(c.id),
            { type: 'object', title: `${c.rule} · ${fmt.lang === 'en' ? c.text : c.zh}`, properties: { result: itemProps.result ?? { type: 'string' }, ...(itemProps.note ? { note: itemProps.note } : {}) } },
          ]),
        ),
      },
      findings: { ...props.findings, items: { ...findingItems, properties: { ...findingProps, ...(findingProps.listingId ? { listingId: { ...findingProps.listingId, examples: a.listings.map((l) => l.listingId) } } : {}) } } },
      summary: props.summary ?? { type: 'string', minLength: 1 },
    },
  };
  const ui = {
    'ui:order': ['checklist', 'findings', 'summary'],
    checklist: {
      'ui:title': t('findings.checklist', { rules: [...new Set(a.checklist.map((c) => c.rule))].join('、') }),
      'ui:description': t('findings.checklistHelp'),
      ...Object.fromEntries(a.checklist.map((c) => [key(c.id), { result: { 'ui:widget': 'radio', 'ui:options': { inline: true } }, note: { 'ui:title': fmt.t('facts.note'), 'ui:options': { rows: 1 } } }])),
    },
    findings: {
      'ui:title': t('findings.findings'),
      'ui:description': t('findings.findingsHelp'),
      items: { rule: { 'ui:title': t('findings.rule'), 'ui:placeholder': 'R12' }, text: { 'ui:title': t('findings.text'), 'ui:widget': 'textarea' }, listingId: { 'ui:title': t('findings.listing'), 'ui:help': a.listings.map((l) => `${l.listingId}: ${l.occupation.name}`).join('; ') } },
    },
    summary: { 'ui:title': t('findings.summary'), 'ui:widget': 'textarea' },
  };
  const toPayload = (data: Record<string, unknown>): Record<string, unknown> => {
    const checklist = (data.checklist ?? {}) as Record<string, { result?: string; note?: string }>;
    // Each item answered on purpose (the form leaves them optional so that none starts as "pass").
    const open = a.checklist.filter((c) => !checklist[key(c.id)]?.result);
    if (open.length > 0) throw new Error(fmt.t('error.choose', { fields: open.map((c) => `${c.rule} ${fmt.lang === 'en' ? c.text : c.zh}`).join('；') }));
    return {
      institutionId: a.institution.id,
      checklist: a.checklist.map((c) => ({ itemId: c.id, result: checklist[key(c.id)]!.result, ...(checklist[key(c.id)]!.note ? { note: checklist[key(c.id)]!.note } : {}) })),
      findings: (data.findings as unknown[] | undefined) ?? [],
      summary: data.summary,
    };
  };
  return { schema, ui, toPayload };
}

function FindingsTask({ task, active, fmt, onDone }: { task: Task; active: boolean; fmt: ParticipantFormat; onDone: () => void }) {
  const { t } = useTranslation('expert');
  const assignments = useRemote(() => participantApi.assignments(task.caseId), [task.caseId]);
  const a = assignments.data?.items.find((x) => x.task?.taskId === task.taskId);
  const shape = useMemo(() => (a ? (base: JsonSchema) => findingsForm(base, a, fmt, t) : null), [a, fmt, t]);
  if (assignments.loading && !assignments.data) return <Spin />;
  if (!a || !shape) return <ApiErrorAlert error={assignments.error ?? new Error(t('findings.notAssigned'))} />;
  return (
    <div>
      <Card size="small" title={t('findings.title', { institution: a.institution.name })} style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          bordered
          column={1}
          items={[
            { key: 'inspection', label: t('findings.inspection'), children: assignments.data!.title },
            { key: 'institution', label: t('findings.institution'), children: `${a.institution.name} · ${fmt.province(a.institution.province)}` },
            {
              key: 'listings',
              label: t('findings.listings'),
              children: (
                <Table
                  size="small"
                  rowKey="listingId"
                  pagination={false}
                  dataSource={a.listings}
                  columns={[
                    { key: 'occupation', title: fmt.t('caseTypes.listing'), render: (_, l) => `${l.occupation.name} (${l.occupation.code})` },
                    { key: 'kind', title: '', render: (_, l) => fmt.kind(l.kind) },
                    { key: 'id', title: '', render: (_, l) => <Typography.Text type="secondary">{l.listingId}</Typography.Text> },
                  ]}
                />
              ),
            },
          ]}
        />
      </Card>
      {active && (
        <Card size="small" data-testid="findings-form">
          <ActionForm
            task={task}
            action="RECORD_FINDINGS"
            prefix="findings"
            submitText={t('findings.submit')}
            submitTestId="findings-submit"
            shape={shape}
            onDone={onDone}
          />
        </Card>
      )}
    </div>
  );
}

function GenericTask({ task, onDone }: { task: Task; onDone: () => void }) {
  const { t } = useTranslation('expert');
  const fmt = useParticipantFormat();
  const [action, setAction] = useState(task.actions[0] ?? '');
  return (
    <Card size="small" title={t('task.unknownStep')}>
      {task.actions.length > 1 && (
        <Segmented style={{ marginBottom: 16 }} value={action} onChange={(v) => setAction(String(v))} options={task.actions.map((a) => ({ value: a, label: fmt.event(a) }))} />
      )}
      {action && <ActionForm key={action} task={task} action={action} prefix="task" submitText={fmt.event(action)} submitTestId="task-submit" onDone={onDone} />}
    </Card>
  );
}

