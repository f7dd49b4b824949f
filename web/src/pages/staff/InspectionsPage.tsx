/**
 * Random inspections (双随机一公开): the department's inspections with their progress (institutions
 * recorded of those drawn) and result, and starting one (POST /api/inspections, form from
 * /openapi.json). A new inspection draws at once; its case page shows the draw's progress, then the
 * institutions, findings and published result. Test ids: `inspections-table`, `start-inspection`,
 * `inspection-progress-<caseId>`.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Progress, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../../auth/session';
import { enc } from './api';
import { CreateModal } from './CreateModal';
import { useFmt } from './format';
import { CaseListTable } from './ListingPages';

interface InspectionSummary {
  title: string;
  reference: string;
  owner: string;
  institutions: { id: string; name?: string }[];
  recorded: number;
  due: string | null;
  publishedAt: string | null;
  results: { problemsFound: boolean }[] | null;
  orders: unknown[];
}

export function InspectionsPage() {
  const fmt = useFmt();
  const navigate = useNavigate();
  const { session } = useSession();
  const [starting, setStarting] = useState(false);
  const p = session?.principal;
  const canStart = p?.role === 'officer' && (p.unit === 'national' || p.unit.startsWith('province:'));
  const quarter = `${dayjs().year()}-Q${Math.floor(dayjs().month() / 3) + 1}`;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {fmt.t('inspections.title')}
        </Typography.Title>
        {canStart && (
          <Button type="primary" icon={<PlusOutlined />} data-testid="start-inspection" onClick={() => setStarting(true)}>
            {fmt.t('inspections.start')}
          </Button>
        )}
      </Space>
      <CaseListTable
        caseType="inspection"
        testId="inspections-table"
        columns={[
          {
            key: 'title',
            title: fmt.t('summaryKeys.title'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as InspectionSummary;
              return (
                <Space orientation="vertical" size={0}>
                  <Link to={`/console/cases/${enc(c.caseId)}`}>{s.title}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.reference} · {fmt.unit(s.owner)}
                  </Typography.Text>
                </Space>
              );
            },
          },
          {
            key: 'progress',
            title: fmt.t('inspections.progress'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as InspectionSummary;
              const total = s.institutions.length;
              if (c.status.code === 'drawing') return <Progress percent={99} status="active" showInfo={false} size="small" data-testid={`inspection-progress-${c.caseId}`} />;
              return (
                <Progress
                  size="small"
                  data-testid={`inspection-progress-${c.caseId}`}
                  percent={total ? Math.round((s.recorded / total) * 100) : 0}
                  format={() => `${fmt.num(s.recorded)} / ${fmt.num(total)}`}
                  status={c.status.final ? 'success' : 'active'}
                />
              );
            },
          },
          { key: 'due', title: fmt.t('inspections.due'), render: (_: unknown, c) => fmt.date((c.summary as unknown as InspectionSummary).due) },
          {
            key: 'result',
            title: fmt.t('inspections.published'),
            render: (_: unknown, c) => {
              const s = c.summary as unknown as InspectionSummary;
              if (!s.results) return '—';
              const problems = s.results.filter((r) => r.problemsFound).length;
              return (
                <Space size={2}>
                  <Tag color="green">{fmt.date(s.publishedAt)}</Tag>
                  {problems > 0 && <Tag color="red">{`${fmt.t('case.inspection.problems')} ${fmt.num(problems)}`}</Tag>}
                </Space>
              );
            },
          },
        ]}
      />
      {starting && (
        <CreateModal
          path="/api/inspections"
          title={fmt.t('inspections.start')}
          submitText={fmt.t('inspections.start')}
          testId="start-inspection-modal"
          formData={{ reference: quarter, title: '', filters: { kind: 'training' }, institutionCount: 5, inspectorsPerInstitution: 2, inspectionWorkingDays: 20 }}
          onClose={() => setStarting(false)}
          onCreated={(created) => {
            setStarting(false);
            void navigate(`/console/cases/${enc(created.caseId)}`);
          }}
        />
      )}
    </div>
  );
}
