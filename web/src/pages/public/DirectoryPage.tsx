/**
 * The public directory (R13, R2.1): search by kind, occupation, province, name and status; the
 * directory as of any past day (R5.1, `GET /api/directory?asOf=`). Paged and sorted on the server; the
 * query lives in the address, so a search can be shared.
 * Test ids: `directory-table`, `directory-row-<listingId>`, `directory-asof`, `directory-search`.
 */
import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType as ColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { HTMLAttributes } from 'react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../../components/ParticipantBits';
import { participantApi, type DirectoryListing } from '../../components/participantApi';
import { PROVINCE_CODES, useParticipantFormat } from '../../components/participantI18n';
import { useRemote } from '../../components/useRemote';
import { PublicNav } from './PublicNav';

const STATUSES = ['valid', 'lapsing', 'expired', 'removed', 'withdrawn'] as const;
const SORTS = ['name', 'kind', 'occupation', 'province', 'validUntil', 'status'] as const;
const FILTERS = ['kind', 'occupation', 'province', 'name', 'status'] as const;
const OCCUPATION = /^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$/;

export const statusColor = (s: string) => ({ valid: 'green', lapsing: 'orange', expired: 'default', removed: 'red', withdrawn: 'default' })[s] ?? 'default';

export function DirectoryPage() {
  const { t } = useTranslation('public');
  const fmt = useParticipantFormat();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm();

  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const size = Math.min(200, Math.max(1, Number(params.get('size') ?? 20) || 20));
  const sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? params.get('sort')! : 'name';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const asOf = params.get('asOf') ?? undefined;
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? undefined]));

  const remote = useRemote(
    () => participantApi.directory({ ...filters, asOf, sort, order, limit: size, skip: (page - 1) * size }),
    [params.toString()],
  );

  useEffect(() => {
    form.setFieldsValue(Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? undefined])));
  }, [params, form]);

  const update = (changes: Record<string, string | undefined>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (resetPage) next.delete('page');
    setParams(next);
  };

  const onSearch = (values: Record<string, string | undefined>) => update(Object.fromEntries(FILTERS.map((f) => [f, values[f]?.trim() || undefined])));
  const onReset = () => {
    form.resetFields();
    update(Object.fromEntries(FILTERS.map((f) => [f, undefined])));
  };

  const sortOrder = (key: string) => (sort === key ? (order === 'desc' ? 'descend' : 'ascend') : null);
  const columns: ColumnsType<DirectoryListing> = [
    {
      key: 'name',
      title: t('directory.columns.institution'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{r.institution.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.listingId}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'kind', title: t('directory.columns.kind'), sorter: true, sortOrder: sortOrder('kind'), render: (_, r) => fmt.kind(r.kind) },
    {
      key: 'occupation',
      title: t('directory.columns.occupation'),
      sorter: true,
      sortOrder: sortOrder('occupation'),
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.occupation.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.occupation.code}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'province', title: t('directory.columns.province'), sorter: true, sortOrder: sortOrder('province'), render: (_, r) => fmt.province(r.institution.province) },
    {
      key: 'validUntil',
      title: t('directory.columns.validity'),
      sorter: true,
      sortOrder: sortOrder('validUntil'),
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{t('directory.validity', { from: fmt.day(r.validFrom), until: fmt.day(r.validUntil) })}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('directory.period', { n: r.period })}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'status', title: t('directory.columns.status'), sorter: true, sortOrder: sortOrder('status'), render: (_, r) => <Tag color={statusColor(r.status)}>{fmt.listingStatus(r.status)}</Tag> },
    {
      key: 'contact',
      title: t('directory.columns.contact'),
      render: (_, r) =>
        r.contact ? (
          <Space orientation="vertical" size={0} style={{ fontSize: 12 }}>
            {r.contact.address && <span>{r.contact.address}</span>}
            {r.contact.phone && <span>{r.contact.phone}</span>}
            {r.contact.email && <span>{r.contact.email}</span>}
            {r.contact.website && (
              <a href={r.contact.website} target="_blank" rel="noreferrer noopener">
                {r.contact.website}
              </a>
            )}
          </Space>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <div>
      <PublicNav />
      <Typography.Title level={3}>{t('directory.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('directory.intro')}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        <Form form={form} layout="inline" onFinish={onSearch} style={{ rowGap: 12 }} data-testid="directory-filters">
          <Form.Item name="kind" label={t('directory.kind')}>
            <Select allowClear placeholder={t('directory.all')} style={{ width: 150 }} data-testid="directory-kind" options={['training', 'evaluation'].map((k) => ({ value: k, label: fmt.kind(k) }))} />
          </Form.Item>
          <Form.Item name="occupation" label={t('directory.occupation')} rules={[{ pattern: OCCUPATION, message: t('directory.occupationInvalid') }]}>
            <Input allowClear placeholder={t('directory.occupationPlaceholder')} style={{ width: 150 }} data-testid="directory-occupation" />
          </Form.Item>
          <Form.Item name="province" label={t('directory.province')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('directory.all')}
              style={{ width: 170 }}
              data-testid="directory-province"
              options={PROVINCE_CODES.map((c) => ({ value: c, label: `${fmt.province(c)} (${c})` }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t('directory.name')}>
            <Input allowClear style={{ width: 180 }} maxLength={100} data-testid="directory-name" />
          </Form.Item>
          <Form.Item name="status" label={t('directory.status')}>
            <Select allowClear placeholder={t('directory.all')} style={{ width: 160 }} data-testid="directory-status" options={STATUSES.map((s) => ({ value: s, label: fmt.listingStatus(s) }))} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="directory-search">
                {t('directory.search')}
              </Button>
              <Button onClick={onReset}>{t('directory.reset')}</Button>
            </Space>
          </Form.Item>
        </Form>
        <Space style={{ marginTop: 12 }} wrap>
          <Typography.Text>{t('directory.asOf')}</Typography.Text>
          <DatePicker
            data-testid="directory-asof"
            style={{ width: 200 }}
            allowClear
            placeholder={t('directory.asOfPlaceholder')}
            value={asOf ? dayjs(asOf) : null}
            format="YYYY-MM-DD"
            disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')}
            onChange={(d: Dayjs | null) => update({ asOf: d ? d.format('YYYY-MM-DD') : undefined })}
          />
          <Typography.Text type="secondary">{t('directory.asOfHelp')}</Typography.Text>
        </Space>
      </Card>
      {asOf && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="directory-asof-banner"
          title={t('directory.asOfBanner', { date: fmt.day(asOf) })}
          action={
            <Button size="small" onClick={() => update({ asOf: undefined })}>
              {t('directory.backToToday')}
            </Button>
          }
        />
      )}
      <ApiErrorAlert error={remote.error} />
      <div data-testid="directory-table">
        <Table<DirectoryListing>
          rowKey="listingId"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: t('directory.empty') }}
          scroll={{ x: 'max-content' }}
          onRow={(r) => ({ 'data-testid': `directory-row-${r.listingId}` }) as HTMLAttributes<HTMLElement>}
          pagination={{
            current: page,
            pageSize: size,
            total: remote.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (total) => fmt.t('common.total', { total }),
          }}
          onChange={(pagination, _filters, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            const key = s?.order ? String(s.columnKey) : 'name';
            const dir = s?.order === 'descend' ? 'desc' : 'asc';
            const sortChanged = key !== sort || dir !== order;
            update(
              {
                sort: key === 'name' ? undefined : key,
                order: dir === 'asc' ? undefined : dir,
                page: sortChanged || pagination.current === 1 ? undefined : String(pagination.current),
                size: pagination.pageSize && pagination.pageSize !== 20 ? String(pagination.pageSize) : undefined,
              },
              false,
            );
          }}
        />
      </div>
    </div>
  );
}
