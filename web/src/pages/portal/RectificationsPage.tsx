/**
 * The institution's rectification orders (`GET /api/my/cases?caseType=rectification`): the breached
 * rules, the mode and deadline (R20.1), escalation when overdue (R20.2). Test ids: `rectifications-table`, `rectification-row-<caseId>`.
 */
import { Space, Table, Tag, Typography } from 'antd';
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

export interface RectificationSummary {
  listingId: string;
  listingCaseId: string;
  institution: { id: string; name: string; province: string };
  occupation: { code: string; name: string };
  kind: string;
  orderedBy: string;
  breaches: { rule: string; finding: string }[];
  mode: 'immediate' | 'deadline';
  due: string | null;
  evidenceVersions: number;
  escalated: { at: string; cause: string } | null;
  graceEnds: string | null;
  outcome: { code: string; at: string } | null;
}

export function RectificationsPage() {
  const { t } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const [page, setPage] = useState(1);
  const size = 20;
  const remote = useRemote(() => participantApi.myCases({ caseType: 'rectification', limit: size, skip: (page - 1) * size }), [page]);
  const columns: TableColumnsType<CaseView> = [
    {
      key: 'listing',
      title: t('rectifications.columns.listing'),
      render: (_, c) => {
        const s = c.summary as unknown as RectificationSummary;
        return (
          <Space orientation="vertical" size={0}>
            <Link to={caseLink(c.caseId)}>{s.occupation.name}</Link>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {s.listingId}
            </Typography.Text>
          </Space>
        );
      },
    },
    { key: 'breaches', title: t('rectifications.columns.breaches'), render: (_, c) => (c.summary as unknown as RectificationSummary).breaches.map((b, i) => <Tag key={i}>{b.rule}</Tag>) },
    { key: 'mode', title: t('rectifications.columns.mode'), render: (_, c) => t(`case.modes.${(c.summary as unknown as RectificationSummary).mode}`) },
    {
      key: 'due',
      title: t('rectifications.columns.due'),
      render: (_, c) => {
        const s = c.summary as unknown as RectificationSummary;
        return (
          <Space wrap>
            {fmt.day(s.due)}
            {s.escalated && <Tag color="red">{t('case.escalated')}</Tag>}
          </Space>
        );
      },
    },
    { key: 'status', title: t('rectifications.columns.status'), render: (_, c) => <Tag color={c.status.final ? 'default' : 'processing'}>{fmt.status('rectification', c.status)}</Tag> },
  ];
  return (
    <div>
      <PortalNav />
      <Typography.Title level={3}>{t('rectifications.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('rectifications.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={remote.error} />
      <div data-testid="rectifications-table">
        <Table<CaseView>
          rowKey="caseId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('rectifications.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(c) => ({ 'data-testid': `rectification-row-${c.caseId}` }) as HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: size, total: remote.data?.total ?? 0, onChange: setPage, showTotal: (total) => fmt.t('common.total', { total }) }}
        />
      </div>
    </div>
  );
}
