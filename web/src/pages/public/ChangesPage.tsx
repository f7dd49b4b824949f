/**
 * The directory change log (R5.1): every publication, renewal, change, lapse, expiry, removal and
 * withdrawal as a dated public entry (`GET /api/directory/changes`), paged and sorted on the server.
 * Test ids: `changes-table`, `change-row-<listingId>-<at>`.
 */
import { Card, DatePicker, Form, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type DirectoryChange } from '../../components/participantApi';
import { useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { statusColor } from './DirectoryPage';
import { PublicNav } from './PublicNav';

const CHANGES = ['published', 'renewed', 'changed', 'lapsing', 'expired', 'removed', 'withdrawn'] as const;

export function ChangesPage() {
  const { t } = useTranslation('public');
  const fmt = useParticipantFormat();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const size = Math.min(200, Math.max(1, Number(params.get('size') ?? 20) || 20));
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const change = params.get('change') ?? undefined;
  const kind = params.get('kind') ?? undefined;
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;

  const remote = useRemote(() => participantApi.changes({ change, kind, from, to, order, limit: size, skip: (page - 1) * size }), [params.toString()]);

  const update = (changes: Record<string, string | undefined>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (resetPage) next.delete('page');
    setParams(next);
  };

  const columns: TableColumnsType<DirectoryChange> = [
    { key: 'at', title: t('changes.columns.at'), sorter: true, sortOrder: order === 'asc' ? 'ascend' : 'descend', render: (_, r) => fmt.instant(r.at) },
    { key: 'change', title: t('changes.columns.change'), render: (_, r) => <Tag>{fmt.change(r.change)}</Tag> },
    {
      key: 'institution',
      title: t('changes.columns.institution'),
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.listing.institution.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {fmt.province(r.listing.institution.province)} · {r.listingId}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'occupation', title: t('changes.columns.occupation'), render: (_, r) => `${r.listing.occupation.name} (${r.listing.occupation.code})` },
    { key: 'kind', title: t('changes.columns.kind'), render: (_, r) => fmt.kind(r.listing.kind) },
    { key: 'status', title: t('changes.columns.status'), render: (_, r) => <Tag color={statusColor(r.listing.status)}>{fmt.listingStatus(r.listing.status)}</Tag> },
    { key: 'rule', title: t('changes.columns.rule'), render: (_, r) => <Tag>{r.rule}</Tag> },
  ];

  const onChange: TableProps<DirectoryChange>['onChange'] = (pagination, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const dir = s?.order === 'ascend' ? 'asc' : 'desc';
    update({ order: dir === 'desc' ? undefined : dir, page: dir !== order || pagination.current === 1 ? undefined : String(pagination.current), size: pagination.pageSize && pagination.pageSize !== 20 ? String(pagination.pageSize) : undefined }, false);
  };

  return (
    <div>
      <PublicNav />
      <Typography.Title level={3}>{t('changes.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('changes.intro')}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        <Form layout="inline" style={{ rowGap: 12 }}>
          <Form.Item label={t('changes.change')}>
            <Select allowClear style={{ width: 170 }} value={change} data-testid="changes-change" onChange={(v?: string) => update({ change: v })} options={CHANGES.map((c) => ({ value: c, label: fmt.change(c) }))} placeholder={t('directory.all')} />
          </Form.Item>
          <Form.Item label={t('changes.kind')}>
            <Select allowClear style={{ width: 150 }} value={kind} data-testid="changes-kind" onChange={(v?: string) => update({ kind: v })} options={['training', 'evaluation'].map((k) => ({ value: k, label: fmt.kind(k) }))} placeholder={t('directory.all')} />
          </Form.Item>
          <Form.Item label={t('changes.range')}>
            <DatePicker.RangePicker
              data-testid="changes-range"
              value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
              format="YYYY-MM-DD"
              allowEmpty={[true, true]}
              onChange={(v: [Dayjs | null, Dayjs | null] | null) => update({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
            />
          </Form.Item>
        </Form>
      </Card>
      <ApiErrorAlert error={remote.error} />
      <div data-testid="changes-table">
        <Table<DirectoryChange>
          rowKey={(r) => `${r.listingId}@${r.at}@${r.change}`}
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('changes.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(r) => ({ 'data-testid': `change-row-${r.listingId}-${r.at}` }) as HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: size, total: remote.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], showTotal: (total) => fmt.t('common.total', { total }) }}
          onChange={onChange}
        />
      </div>
    </div>
  );
}
