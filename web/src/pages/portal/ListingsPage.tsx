/**
 * The institution's listings (`GET /api/my/cases?caseType=listing`): validity, renewal (R9.1), annual
 * reports (R14.2), rectification orders (R20), and the commands open to it on each.
 * Test ids: `listings-table`, `listing-row-<listingId>`, `renewal-file`, `annual-report`, `report-change`.
 */
import { Button, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type CaseView } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { PortalNav } from './PortalNav';

export interface ListingSummary {
  listingId: string;
  kind: string;
  institution: { id: string; name: string; province: string };
  occupation: { code: string; name: string };
  validFrom: string;
  validUntil: string;
  status: string;
  period: number;
  renewalDeadline: string;
  renewal: { status: string; filedOn: string | null };
  annualReports: number[];
  reportingYear: number;
  overdueReports: { year: number; level: number; followedUp: boolean }[];
  withdrawal: { effectiveOn: string } | null;
  rectifications: { caseId: string; rules: string[]; status: string }[];
  contact?: { address?: string; phone?: string; email?: string; website?: string };
}

const enc = encodeURIComponent;
export const caseLink = (caseId: string, action?: string) => `/portal/cases/${enc(caseId)}${action ? `?action=${action}` : ''}`;
const can = (c: CaseView, type: string) => c.availableActions.some((a) => a.type === type);

export function ListingsPage() {
  const { t } = useTranslation('portal');
  const fmt = useParticipantFormat();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const size = 20;
  const remote = useRemote(() => participantApi.myCases({ caseType: 'listing', limit: size, skip: (page - 1) * size }), [page]);

  const columns: TableColumnsType<CaseView> = [
    {
      key: 'occupation',
      title: t('listings.columns.occupation'),
      render: (_, c) => {
        const s = c.summary as unknown as ListingSummary;
        return (
          <Space orientation="vertical" size={0}>
            <Link to={caseLink(c.caseId)}>{s.occupation.name}</Link>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {s.occupation.code} · {s.listingId}
            </Typography.Text>
          </Space>
        );
      },
    },
    { key: 'kind', title: t('listings.columns.kind'), render: (_, c) => fmt.kind((c.summary as unknown as ListingSummary).kind) },
    {
      key: 'validity',
      title: t('listings.columns.validity'),
      render: (_, c) => {
        const s = c.summary as unknown as ListingSummary;
        return `${fmt.day(s.validFrom)} – ${fmt.day(s.validUntil)}`;
      },
    },
    { key: 'status', title: t('listings.columns.status'), render: (_, c) => <Tag>{fmt.status('listing', c.status)}</Tag> },
    {
      key: 'renewal',
      title: t('listings.columns.renewal'),
      render: (_, c) => {
        const s = c.summary as unknown as ListingSummary;
        return (
          <Space orientation="vertical" size={0}>
            <span>{fmt.t(`renewal.${s.renewal.status}`, { defaultValue: s.renewal.status })}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('listings.renewalDue', { date: fmt.day(s.renewalDeadline) })}
            </Typography.Text>
          </Space>
        );
      },
    },
    {
      key: 'annualReport',
      title: t('listings.columns.annualReport'),
      render: (_, c) => {
        const s = c.summary as unknown as ListingSummary;
        const overdue = new Set(s.overdueReports.map((o) => o.year)).size;
        return (
          <Space orientation="vertical" size={0}>
            <span>{t('listings.reportingYear', { year: s.reportingYear })}</span>
            {s.annualReports.length > 0 && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('listings.reportsFiled', { years: s.annualReports.join(', ') })}
              </Typography.Text>
            )}
            {overdue > 0 && <Tag color="red">{t('listings.overdue', { count: overdue })}</Tag>}
          </Space>
        );
      },
    },
    {
      key: 'rectifications',
      title: t('listings.columns.rectifications'),
      render: (_, c) => {
        const open = (c.summary as unknown as ListingSummary).rectifications.filter((r) => r.status === 'open').length;
        return open > 0 ? <Tag color="orange">{t('listings.openOrders', { count: open })}</Tag> : '—';
      },
    },
    {
      key: 'actions',
      title: t('listings.columns.actions'),
      render: (_, c) => (
        <Space wrap>
          <Button size="small" type="primary" data-testid="renewal-file" disabled={!can(c, 'FILE_RENEWAL')} onClick={() => void navigate(caseLink(c.caseId, 'FILE_RENEWAL'))}>
            {t('renewalFile')}
          </Button>
          <Button size="small" data-testid="annual-report" disabled={!can(c, 'SUBMIT_ANNUAL_REPORT')} onClick={() => void navigate(caseLink(c.caseId, 'SUBMIT_ANNUAL_REPORT'))}>
            {t('annualReport')}
          </Button>
          <Button size="small" data-testid="report-change" disabled={!can(c, 'REPORT_CHANGE')} onClick={() => void navigate(caseLink(c.caseId, 'REPORT_CHANGE'))}>
            {t('reportChange')}
          </Button>
          <Link to={caseLink(c.caseId)}>{t('details')}</Link>
        </Space>
      ),
    },
  ];

  return (
    <div>
      <PortalNav />
      <Typography.Title level={3}>{t('listings.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('listings.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={remote.error} />
      <div data-testid="listings-table">
        <Table<CaseView>
          rowKey="caseId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('listings.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(c) => ({ 'data-testid': `listing-row-${(c.summary as unknown as ListingSummary).listingId}` }) as HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: size, total: remote.data?.total ?? 0, onChange: setPage, showTotal: (total) => fmt.t('common.total', { total }) }}
        />
      </div>
    </div>
  );
}
