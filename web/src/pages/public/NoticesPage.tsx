/**
 * Public notices running now (R7.4, `GET /api/public/notices`): each proposed list, its organiser and
 * the last day objections are accepted. Paged on the server. Test ids: `notices-table`, `notice-row-<roundId>`.
 */
import { Button, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ProvisionalTag } from '../../components/DeadlineExplained';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type PublicNotice } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { PublicNav } from './PublicNav';

const enc = encodeURIComponent;

export function NoticesPage() {
  const { t } = useTranslation('public');
  const fmt = useParticipantFormat();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const size = 20;
  const remote = useRemote(() => participantApi.notices({ limit: size, skip: (page - 1) * size }), [page]);
  const now = Date.now();

  const columns: TableColumnsType<PublicNotice> = [
    { key: 'documentNumber', title: t('notices.columns.documentNumber'), render: (_, r) => <Link to={`/notices/${enc(r.roundId)}`}>{r.documentNumber}</Link> },
    { key: 'kind', title: t('notices.columns.kind'), render: (_, r) => fmt.kind(r.kind) },
    { key: 'organiser', title: t('notices.columns.organiser'), render: (_, r) => fmt.unit(r.organiser) },
    { key: 'entries', title: t('notices.columns.entries'), render: (_, r) => t('notices.entries', { count: r.list.length }) },
    {
      key: 'endDate',
      title: t('notices.columns.endDate'),
      render: (_, r) => (
        <span>
          {r.endDate ? t('notice.endsAt', { date: fmt.day(r.endDate) }) : '—'} {r.provisional && <ProvisionalTag fmt={fmt} />}
        </span>
      ),
    },
    {
      key: 'status',
      title: t('notices.columns.status'),
      render: (_, r) => (r.endsAt && Date.parse(r.endsAt) < now ? <Tag>{t('notices.closed')}</Tag> : <Tag color="processing">{t('notices.open')}</Tag>),
    },
    {
      key: 'actions',
      title: '',
      render: (_, r) => (
        <Link to={`/notices/${enc(r.roundId)}`}>
          <Button size="small" data-testid={`notice-open-${r.roundId}`}>
            {t('notices.view')}
          </Button>
        </Link>
      ),
    },
  ];

  return (
    <div>
      <PublicNav />
      <Typography.Title level={3}>{t('notices.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('notices.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={remote.error} />
      <div data-testid="notices-table">
        <Table<PublicNotice>
          rowKey="roundId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('notices.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(r) => ({ 'data-testid': `notice-row-${r.roundId}` }) as HTMLAttributes<HTMLElement>}
          pagination={{
            current: page,
            pageSize: size,
            total: remote.data?.total ?? 0,
            showTotal: (total) => fmt.t('common.total', { total }),
            onChange: (p) => setParams(p === 1 ? {} : { page: String(p) }),
          }}
        />
      </div>
    </div>
  );
}
