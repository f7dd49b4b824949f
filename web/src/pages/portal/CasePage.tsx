/**
 * One of the institution's cases — a listing, an application, a rectification order, an inspection
 * that drew it: where it stands, its deadlines with their explanation, its history (the steps the
 * institution may see: never the expert panel, R7.3), and the commands open to it now, each a form
 * (`?action=<COMMAND>` opens it). Test ids: `case-page`, `case-status`, `action-<COMMAND>`, `renewal-file`,
 * the form's (`portal-submit`, `portal-<field>`), `portal-done`.
 */
import { Alert, Button, Card, Descriptions, Empty, Result, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { DeadlineExplained } from '../../components/DeadlineExplained';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type CaseView, type Grant, type Materials } from '../../components/participantApi';
import { useParticipantFormat, type ParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { actionLabel, CommandPanel } from './CommandPanel';
import { caseLink, type ListingSummary } from './ListingsPage';
import { PortalNav } from './PortalNav';
import type { RectificationSummary } from './RectificationsPage';

type T = (k: string, o?: Record<string, unknown>) => string;

export function CasePage() {
  const { t, i18n } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const { caseId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [done, setDone] = useState<string | null>(null);
  const c = useRemote(() => participantApi.case(caseId), [caseId]);
  const history = useRemote(() => participantApi.history(caseId), [caseId]);
  const isApplication = c.data?.caseType === 'application';
  const materials = useRemote(() => participantApi.materials(caseId), [caseId, isApplication], { skip: !isApplication });

  const action = params.get('action');
  const actions = useMemo(() => {
    const seen = new Set<string>();
    return (c.data?.availableActions ?? []).filter((a) => (seen.has(a.type) ? false : (seen.add(a.type), true)));
  }, [c.data]);
  const open = actions.find((a) => a.type === action);
  const label = (a: Grant) => actionLabel(t, (k) => i18n.exists(k, { ns: 'portal' }), a.type, a.title);

  if (c.loading && !c.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!c.data) {
    return (
      <div>
        <PortalNav />
        <ApiErrorAlert error={c.error} />
        <Result status="404" title={t('case.loadFailed')} />
      </div>
    );
  }
  const view = c.data;
  const initial = initialFor(view, action);

  const onDone = () => {
    setDone(action);
    setParams({});
    void c.reload();
    void history.reload();
    if (isApplication) void materials.reload();
  };

  return (
    <div data-testid="case-page">
      <PortalNav />
      <Space style={{ marginBottom: 8 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {fmt.caseType(view.caseType)}
        </Typography.Title>
        <Tag color={view.status.final ? 'default' : 'processing'} data-testid="case-status">
          {fmt.status(view.caseType, view.status)}
        </Tag>
        <Typography.Text type="secondary" copyable>
          {view.caseId}
        </Typography.Text>
      </Space>
      {done && <Alert type="success" showIcon closable={{ onClose: () => setDone(null) }} title={`${t('submitted')}: ${t(`actions.${done}`, { defaultValue: done })}`} style={{ marginBottom: 16 }} data-testid="portal-done" />}

      <Card title={t('case.actions')} size="small" style={{ marginBottom: 16 }}>
        {actions.length === 0 ? (
          <Typography.Text type="secondary">{t('case.noActions')}</Typography.Text>
        ) : (
          <Space wrap>
            {actions.map((a) => (
              <Button
                key={a.type}
                type={a.type === action ? 'primary' : 'default'}
                danger={a.type === 'REFUSE_RECTIFICATION' || a.type === 'WITHDRAW'}
                data-testid={a.type === 'FILE_RENEWAL' ? 'renewal-file' : `action-${a.type}`}
                onClick={() => setParams({ action: a.type })}
              >
                {label(a)} <Tag style={{ marginInlineStart: 6 }}>{a.rule}</Tag>
              </Button>
            ))}
          </Space>
        )}
      </Card>
      {open && <CommandPanel key={open.type} c={view} action={open.type} title={label(open)} initial={initial} onDone={onDone} onCancel={() => setParams({})} />}

      <Card title={t('case.summary')} size="small" style={{ marginBottom: 16 }}>
        <Summary view={view} fmt={fmt} t={t} materials={materials.data} />
      </Card>
      <Card title={t('case.deadlines')} size="small" style={{ marginBottom: 16 }}>
        <DeadlineExplained deadlines={view.deadlines} />
      </Card>
      <Card title={t('case.history')} size="small">
        {isApplication && <Typography.Paragraph type="secondary">{t('case.historyHidden')}</Typography.Paragraph>}
        {history.data?.items.length ? (
          <Timeline
            items={history.data.items
              .filter((e) => e.event.type !== 'deadlines.set')
              .map((e) => ({
                key: e.seq,
                content: (
                  <Space orientation="vertical" size={0}>
                    <Space wrap>
                      <Typography.Text strong>{fmt.event(e.event.type, { name: e.event.name })}</Typography.Text>
                      <Tag>{e.rule}</Tag>
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {fmt.instant(e.at)} · {fmt.actor(e.actor)}
                    </Typography.Text>
                  </Space>
                ),
              }))}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        )}
      </Card>
    </div>
  );
}

/** Sensible starting values: this year's report for the reporting year, today for changes and withdrawals. */
function initialFor(view: CaseView, action: string | null): Record<string, unknown> | undefined {
  const today = dayjs().format('YYYY-MM-DD');
  if (view.caseType === 'listing' && action === 'SUBMIT_ANNUAL_REPORT') return { year: (view.summary as unknown as ListingSummary).reportingYear };
  if (view.caseType === 'listing' && (action === 'REPORT_CHANGE' || action === 'WITHDRAW')) return { effectiveOn: today };
  return undefined;
}

function Summary({ view, fmt, t, materials }: { view: CaseView; fmt: ParticipantFormat; t: T; materials: Materials | undefined }) {
  const s = view.summary as Record<string, unknown>;
  const items: { key: string; label: string; children: ReactNode }[] = [];
  const add = (key: string, label: string, children: ReactNode) => items.push({ key, label, children });
  const institution = s.institution as { name: string; province: string } | undefined;
  const occupation = s.occupation as { code: string; name: string } | undefined;
  if (institution) add('institution', t('case.institution'), `${institution.name} · ${fmt.province(institution.province)}`);
  if (occupation) add('occupation', t('case.occupation'), `${occupation.name} (${occupation.code})`);
  if (typeof s.kind === 'string') add('kind', t('case.kind'), fmt.kind(s.kind));

  if (view.caseType === 'listing') {
    const l = s as unknown as ListingSummary;
    add('validity', t('case.validity'), `${fmt.day(l.validFrom)} – ${fmt.day(l.validUntil)} · ${t('case.period', { n: l.period })}`);
    add('renewal', t('case.renewal'), `${fmt.t(`renewal.${l.renewal.status}`, { defaultValue: l.renewal.status })}${l.renewal.filedOn ? ` · ${fmt.day(l.renewal.filedOn)}` : ''}`);
    add('renewalDeadline', t('case.renewalDeadline'), fmt.day(l.renewalDeadline));
    add('reportingYear', t('case.reportingYear'), l.reportingYear);
    add('annualReports', t('case.annualReports'), l.annualReports.length ? l.annualReports.join(', ') : fmt.t('common.none'));
    // One entry per report year (each escalation level of it is listed by the API).
    const overdueYears = [...new Set(l.overdueReports.map((o) => o.year))];
    if (overdueYears.length) add('overdueReports', t('case.overdueReports'), overdueYears.map((y) => <Tag key={y} color="red">{y}</Tag>));
    if (l.withdrawal) add('withdrawal', t('case.withdrawal'), fmt.day(l.withdrawal.effectiveOn));
    if (l.contact) add('contact', t('case.contact'), [l.contact.address, l.contact.phone, l.contact.email, l.contact.website].filter(Boolean).join(' · '));
    if (l.rectifications.length) {
      add(
        'rectifications',
        t('case.rectifications'),
        <Space wrap>
          {l.rectifications.map((r) => (
            <Link key={r.caseId} to={caseLink(r.caseId)}>
              <Tag color={r.status === 'open' ? 'orange' : 'default'}>{r.rules.join(', ')}</Tag>
            </Link>
          ))}
        </Space>,
      );
    }
  }

  if (view.caseType === 'application') {
    add('round', t('case.round'), String(s.roundId ?? ''));
    add('recommender', t('case.recommender'), fmt.unit(String(s.recommender ?? '')));
    add('priority', t('case.priority'), fmt.priority(String(s.priority ?? '')));
    const flags = (s.flags as { rule: string; check: string; reason: string }[] | undefined) ?? [];
    add(
      'flags',
      t('case.flags'),
      flags.length === 0 ? (
        t('case.noFlags')
      ) : (
        <Space orientation="vertical" size={2}>
          {flags.map((f, i) => (
            <span key={i}>
              <Tag>{f.rule}</Tag>
              {fmt.eligibility(f.check)} — <Typography.Text type="secondary">{f.reason}</Typography.Text>
            </span>
          ))}
        </Space>
      ),
    );
    if (materials?.corrections.length) {
      add(
        'corrections',
        t('case.corrections'),
        <Space orientation="vertical" size={4} data-testid="correction-requests">
          {materials.corrections.map((c, i) => (
            <div key={i}>
              <Typography.Text strong>{fmt.t('common.labelled', { label: t('case.correctionItems'), value: '' })}</Typography.Text>
              <Typography.Text>{c.items}</Typography.Text>
              <Typography.Text type="secondary">{fmt.t('common.paren', { text: t('case.correctionRequested', { date: fmt.instant(c.requestedAt) }) })}</Typography.Text>
              {c.submittedAt && (
                <div>
                  <Typography.Text type="secondary">{t('case.correctionSubmitted', { date: fmt.instant(c.submittedAt), note: c.note ?? '' })}</Typography.Text>
                </div>
              )}
            </div>
          ))}
        </Space>,
      );
    }
  }

  if (view.caseType === 'rectification') {
    const r = s as unknown as RectificationSummary;
    add('orderedBy', t('case.orderedBy'), fmt.unit(r.orderedBy));
    add(
      'breaches',
      t('case.breaches'),
      <Space orientation="vertical" size={2}>
        {r.breaches.map((b, i) => (
          <span key={i}>
            <Tag color="red">{b.rule}</Tag>
            {b.finding}
          </span>
        ))}
      </Space>,
    );
    add('mode', t('case.mode'), t(`case.modes.${r.mode}`));
    add('due', t('case.due'), fmt.day(r.due));
    add('evidenceVersions', t('case.evidenceVersions'), r.evidenceVersions);
    if (r.escalated) add('escalated', t('case.escalated'), fmt.instant(r.escalated.at));
    if (r.graceEnds) add('graceEnds', t('case.graceEnds'), fmt.day(r.graceEnds));
    add('listing', t('rectifications.columns.listing'), <Link to={caseLink(r.listingCaseId)}>{r.listingId}</Link>);
  }

  if (view.caseType === 'inspection') {
    add('inspection', t('case.inspection'), String(s.title ?? ''));
    add('orderedBy', t('case.orderedBy'), fmt.unit(String(s.owner ?? '')));
  }

  const outcome = s.outcome as { code: string; at: string } | null | undefined;
  if (outcome && typeof outcome === 'object' && 'code' in outcome) add('outcome', t('case.outcome'), `${outcome.code} · ${fmt.instant(outcome.at)}`);
  add('status', t('case.status'), fmt.status(view.caseType, view.status));
  return <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} items={items} />;
}
