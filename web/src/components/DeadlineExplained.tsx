/**
 * Deadlines as their holder needs them: what is due, on which day (Asia/Shanghai), under which rule,
 * whether it is provisional (the year's holiday arrangement is not published yet), and how the day was
 * reached — the start, the offset, and every day skipped with its reason (weekend, holiday).
 *
 * Shared by the institution portal and the expert/inspector pages. Test ids: `deadline-<name>`.
 */
import { Empty, Popover, Space, Tag, Typography } from 'antd';
import type { Deadline } from './participantApi';
import { useParticipantFormat, type ParticipantFormat } from './participantI18n';

export function DeadlineHow({ deadline, fmt }: { deadline: Pick<Deadline, 'explanation' | 'provisional'>; fmt: ParticipantFormat }) {
  const e = deadline.explanation;
  const skipped = e.skipped ?? [];
  const parts = [e.start ? fmt.t('deadline.start', { start: fmt.day(e.start) }) : '', fmt.offset(e.offset)].filter(Boolean);
  return (
    <Space orientation="vertical" size={2}>
      {parts.length > 0 && <Typography.Text type="secondary">{parts.join(' · ')}</Typography.Text>}
      {skipped.length === 0 ? (
        <Typography.Text type="secondary">{fmt.t('deadline.skippedNone')}</Typography.Text>
      ) : (
        <Popover
          title={fmt.t('deadline.skippedList')}
          content={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {skipped.map((s) => (
                <li key={s.date}>
                  {fmt.day(s.date)} — {fmt.skipReason(s.reason)}
                </li>
              ))}
            </ul>
          }
        >
          <Typography.Link>{fmt.t('deadline.skipped', { count: skipped.length })}</Typography.Link>
        </Popover>
      )}
      {fmt.lang === 'en' && e.text && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{e.text}</Typography.Text>}
    </Space>
  );
}

export function ProvisionalTag({ fmt }: { fmt: ParticipantFormat }) {
  return (
    <Popover content={<div style={{ maxWidth: 320 }}>{fmt.t('deadline.provisionalHelp')}</div>}>
      <Tag color="warning">{fmt.t('deadline.provisional')}</Tag>
    </Popover>
  );
}

/** A case's deadlines, earliest first; `upcomingOnly` hides the ones already passed. */
export function DeadlineExplained({ deadlines, upcomingOnly = false, now = Date.now() }: { deadlines: Deadline[]; upcomingOnly?: boolean; now?: number }) {
  const fmt = useParticipantFormat();
  const rows = [...deadlines].filter((d) => !upcomingOnly || Date.parse(d.at) >= now).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={fmt.t('deadline.none')} />;
  return (
    <div>
      {rows.map((d, i) => {
        const passed = Date.parse(d.at) < now;
        return (
          <div key={d.name} data-testid={`deadline-${d.name}`} style={{ padding: '8px 0', borderTop: i === 0 ? undefined : '1px solid rgba(5, 5, 5, 0.06)' }}>
            <Space wrap>
              <span>{fmt.deadlineName(d.name)}</span>
              <Typography.Text strong>{fmt.day(d.date)}</Typography.Text>
              <Tag>{d.rule}</Tag>
              {d.provisional && <ProvisionalTag fmt={fmt} />}
              {passed && <Tag>{fmt.t('deadline.passed')}</Tag>}
            </Space>
            <div>
              <DeadlineHow deadline={d} fmt={fmt} />
            </div>
          </div>
        );
      })}
    </div>
  );
}
