/**
 * The institution's applications (`GET /api/my/cases?caseType=application`): occupation, round,
 * recommender and where each stands — never the panel (R7.3). Test ids: `applications-table`, `application-row-<caseId>`.
 */
import { Button, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type CaseView } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { caseLink } from './ListingsPage';
import { PortalNav } from './PortalNav';

interface ApplicationSummary {
  roundId: string;
  kind: string;
  institution: { id: string; name: string; province: string };
  occupation: { code: string; name: string };
  recommender: string;
  priority: string;
  flags: { rule: string; check: string; reason: string }[];
}

export function ApplicationsPage() {
  const { t } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const [page, setPage] = useState(1);
  const size = 20;
  const remote = useRemote(() => participantApi.myCases({ caseType: 'application', limit: size, skip: (page - 1) * size }), [page]);
  const columns: TableColumnsType<CaseView> = [
    {
      key: 'occupation',
      title: t('applications.columns.occupation'),
      render: (_, c) => {
        const s = c.summary as unknown as ApplicationSummary;
        return (
          <Space orientation="vertical" size={0}>
            <Link to={caseLink(c.caseId)}>{s.occupation.name}</Link>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {s.occupation.code} · {fmt.kind(s.kind)}
            </Typography.Text>
          </Space>
        );
      },
    },
    { key: 'round', title: t('applications.columns.round'), render: (_, c) => (c.summary as unknown as ApplicationSummary).roundId },
    { key: 'recommender', title: t('applications.columns.recommender'), render: (_, c) => fmt.unit((c.summary as unknown as ApplicationSummary).recommender) },
    {
      key: 'status',
      title: t('applications.columns.status'),
      render: (_, c) => (
        <Space wrap>
          <Tag color={c.status.final ? 'default' : 'processing'}>{fmt.status('application', c.status)}</Tag>
          {c.availableActions.some((a) => a.type === 'SUBMIT_CORRECTION') && (
            <Link to={caseLink(c.caseId, 'SUBMIT_CORRECTION')}>
              <Tag color="orange">{t('actions.SUBMIT_CORRECTION')}</Tag>
            </Link>
          )}
        </Space>
      ),
    },
    { key: 'updated', title: t('applications.columns.updated'), render: (_, c) => fmt.instant(c.updatedAt) },
  ];
  return (
    <div>
      <PortalNav />
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3}>{t('applications.title')}</Typography.Title>
        <Link to="/portal/apply">
          <Button type="primary">{t('applications.apply')}</Button>
        </Link>
      </Space>
      <Typography.Paragraph type="secondary">{t('applications.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={remote.error} />
      <div data-testid="applications-table">
        <Table<CaseView>
          rowKey="caseId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('applications.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(c) => ({ 'data-testid': `application-row-${c.caseId}` }) as HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: size, total: remote.data?.total ?? 0, onChange: setPage, showTotal: (total) => fmt.t('common.total', { total }) }}
        />
      </div>
    </div>
  );
}
