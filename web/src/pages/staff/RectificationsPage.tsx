/**
 * Rectification orders (责令整改) in my jurisdiction or about my unit's listings: the breached rules,
 * the mode, the due date, escalation and the listing. An order is started from its listing's page.
 * Test id: `rectifications-table`.
 */
import { Alert, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { enc } from './api';
import { useFmt } from './format';
import { CaseListTable } from './ListingPages';

interface RectificationSummary {
  listingId: string;
  institution: { name: string; province: string };
  occupation: { code: string; name: string };
  orderedBy: string;
  breaches: { rule: string; finding: string }[];
  mode: string;
  due: string | null;
  escalated: unknown;
}

export function RectificationsPage() {
  const fmt = useFmt();
  return (
    <div>
      <Typography.Title level={3}>{fmt.t('rectifications.title')}</Typography.Title>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={fmt.t('listings.startRectification')} description={<Link to="/console/listings">{fmt.t('menu.listings')}</Link>} />
      <CaseListTable
        caseType="rectification"
        testId="rectifications-table"
        columns={[
          {
            key: 'institution',
            title: fmt.t('common.institution'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as RectificationSummary;
              return (
                <Space orientation="vertical" size={0}>
                  <Link to={`/console/cases/${enc(c.caseId)}`}>{s.institution.name}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.occupation.name} · {fmt.unit(s.orderedBy)}
                  </Typography.Text>
                </Space>
              );
            },
          },
          {
            key: 'breaches',
            title: fmt.t('rectifications.breaches'),
            render: (_: unknown, c) => (c.summary as unknown as RectificationSummary).breaches.map((b) => <Tag key={b.rule}>{b.rule}</Tag>),
          },
          {
            key: 'mode',
            title: fmt.t('rectifications.mode'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as RectificationSummary;
              return (
                <Space size={2}>
                  <Tag>{fmt.t(`values.${s.mode}`, { ns: 'components', defaultValue: s.mode })}</Tag>
                  {s.escalated ? <Tag color="volcano">{fmt.t('common.escalation')}</Tag> : null}
                </Space>
              );
            },
          },
          { key: 'due', title: fmt.t('rectifications.due'), render: (_: unknown, c) => fmt.date((c.summary as unknown as RectificationSummary).due) },
          {
            key: 'listing',
            title: fmt.t('rectifications.listing'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as RectificationSummary;
              return <Link to={`/console/listings/${enc(s.listingId)}`}>{s.listingId}</Link>;
            },
          },
        ]}
      />
    </div>
  );
}
