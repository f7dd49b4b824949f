/**
 * Published results of random inspections (R16 "one public", `GET /api/public/inspections`): each
 * inspection with the institutions inspected, whether problems were found and the rules concerned.
 * Paged and sorted (by publication) on the server. Test ids: `inspections-table`, `inspection-row-<id>`.
 */
import { Table, Tag, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type PublicInspection } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { PublicNav } from './PublicNav';

type Result = PublicInspection['results'][number];

export function InspectionsPage() {
  const { t } = useTranslation('public');
  const fmt = useParticipantFormat();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const size = 10;
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const remote = useRemote(() => participantApi.inspections({ order, limit: size, skip: (page - 1) * size }), [page, order]);

  const columns: TableColumnsType<PublicInspection> = [
    { key: 'title', title: t('inspections.columns.title'), render: (_, r) => <Typography.Text strong>{r.title}</Typography.Text> },
    { key: 'owner', title: t('inspections.columns.owner'), render: (_, r) => fmt.unit(r.owner) },
    { key: 'publishedAt', title: t('inspections.columns.publishedAt'), sorter: true, sortOrder: order === 'asc' ? 'ascend' : 'descend', render: (_, r) => fmt.instant(r.publishedAt) },
    { key: 'institutions', title: t('inspections.columns.institutions'), render: (_, r) => r.results.length },
    {
      key: 'problems',
      title: t('inspections.columns.problems'),
      render: (_, r) => {
        const n = r.results.filter((x) => x.problemsFound).length;
        return n > 0 ? <Tag color="red">{t('inspections.problems', { count: n })}</Tag> : <Tag color="green">{t('inspections.noProblems')}</Tag>;
      },
    },
  ];
  const resultColumns: TableColumnsType<Result> = [
    { key: 'institution', title: t('inspections.result.institution'), render: (_, x) => `${x.institution.name ?? x.institution.id}${x.institution.province ? ` · ${fmt.province(x.institution.province)}` : ''}` },
    { key: 'problemsFound', title: t('inspections.result.problemsFound'), render: (_, x) => (x.problemsFound ? <Tag color="red">{fmt.t('common.yes')}</Tag> : <Tag color="green">{fmt.t('common.no')}</Tag>) },
    { key: 'rules', title: t('inspections.result.rules'), render: (_, x) => (x.rules.length ? x.rules.map((r) => <Tag key={r}>{r}</Tag>) : '—') },
    { key: 'summary', title: t('inspections.result.summary'), render: (_, x) => x.summary },
  ];

  const onChange: TableProps<PublicInspection>['onChange'] = (pagination, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const dir = s?.order === 'ascend' ? 'asc' : 'desc';
    const next = new URLSearchParams();
    if (dir === 'asc') next.set('order', 'asc');
    if (dir === order && pagination.current && pagination.current > 1) next.set('page', String(pagination.current));
    setParams(next);
  };

  return (
    <div>
      <PublicNav />
      <Typography.Title level={3}>{t('inspections.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('inspections.intro')}</Typography.Paragraph>
      <ApiErrorAlert error={remote.error} />
      <div data-testid="inspections-table">
        <Table<PublicInspection>
          rowKey="inspectionId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('inspections.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(r) => ({ 'data-testid': `inspection-row-${r.inspectionId}` }) as HTMLAttributes<HTMLElement>}
          expandable={{
            expandedRowRender: (r) => (
              <div>
                {r.summary && <Typography.Paragraph>{r.summary}</Typography.Paragraph>}
                <Table<Result> size="small" rowKey={(x) => x.institution.id} pagination={false} columns={resultColumns} dataSource={r.results} />
              </div>
            ),
          }}
          pagination={{ current: page, pageSize: size, total: remote.data?.total ?? 0, showTotal: (total) => fmt.t('common.total', { total }) }}
          onChange={onChange}
        />
      </div>
    </div>
  );
}
