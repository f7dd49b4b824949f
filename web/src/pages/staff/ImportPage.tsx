/**
 * Bulk import of the expert pool (专家库, national group: PUT /api/expert-pool/:id) and of the
 * department's inspector list (PUT /api/inspectors/:id) from a CSV or JSON file: the file is read in
 * the browser, previewed, then sent one entry at a time with a progress bar and each row's result.
 * There is no endpoint for importing institutions (they enter the directory through applications).
 * Test ids: `import-experts`, `import-inspectors`, `import-start`, `import-progress`, `import-result`.
 */
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Progress, Space, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { api } from '../../api/client';
import { useSession } from '../../auth/session';
import { enc } from './api';
import { useFmt } from './format';

type Row = { id: string; body: Record<string, unknown> };
type Outcome = { id: string; ok: boolean; message: string };
interface Target {
  key: 'experts' | 'inspectors';
  path: (id: string) => string;
  template: string;
  fromCsv: (cells: Record<string, string>) => Row;
  fromJson: (o: Record<string, unknown>) => Row;
}

const truthy = (v: string | undefined) => !/^(false|0|no|否|停用)$/i.test((v ?? '').trim());
const list = (v: string | undefined) => (v ?? '').split(/[;；|]/).map((s) => s.trim()).filter(Boolean);

const TARGETS: Target[] = [
  {
    key: 'experts',
    path: (id) => `/api/expert-pool/${enc(id)}`,
    template: 'id,name,fields,employer,active\ne101,张三,2-02-10-09;2-02-10-10,某大学,true\n',
    fromCsv: (c) => ({ id: c.id ?? '', body: { name: c.name ?? '', fields: list(c.fields), employer: c.employer ?? '', employmentHistory: [], active: truthy(c.active) } }),
    fromJson: (o) => ({
      id: String(o.id ?? ''),
      body: { name: o.name, fields: o.fields, employer: o.employer, employmentHistory: o.employmentHistory ?? [], active: o.active ?? true },
    }),
  },
  {
    key: 'inspectors',
    path: (id) => `/api/inspectors/${enc(id)}`,
    template: 'id,name,employer,active\np101,李四,某省人社厅,true\n',
    fromCsv: (c) => ({ id: c.id ?? '', body: { name: c.name ?? '', employer: c.employer ?? '', employmentHistory: [], active: truthy(c.active) } }),
    fromJson: (o) => ({ id: String(o.id ?? ''), body: { name: o.name, employer: o.employer, employmentHistory: o.employmentHistory ?? [], active: o.active ?? true } }),
  },
];

/** A small CSV reader: a header row, commas, double-quoted cells with "" escapes. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...data] = rows.filter((r) => r.some((c) => c.trim() !== ''));
  if (!header) return [];
  const keys = header.map((h) => h.trim().replace(/^\uFEFF/, ''));
  return data.map((r) => Object.fromEntries(keys.map((k, i) => [k, (r[i] ?? '').trim()])));
}

function Importer({ target }: { target: Target }) {
  const fmt = useFmt();
  const [rows, setRows] = useState<Row[]>([]);
  const [parseError, setParseError] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [running, setRunning] = useState(false);
  const stop = useRef(false);

  const read = async (file: File) => {
    setParseError(null);
    setOutcomes([]);
    const text = await file.text();
    try {
      if (file.name.toLowerCase().endsWith('.json') || text.trimStart().startsWith('[')) {
        const data = JSON.parse(text) as unknown;
        if (!Array.isArray(data)) throw new Error('[ … ]');
        setRows(data.map((o) => target.fromJson(o as Record<string, unknown>)));
      } else {
        setRows(parseCsv(text).map(target.fromCsv));
      }
    } catch (e) {
      setRows([]);
      setParseError(fmt.t('imports.parseError', { line: 1, message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const run = async () => {
    setRunning(true);
    stop.current = false;
    const done: Outcome[] = [];
    setOutcomes([]);
    for (const r of rows) {
      if (stop.current) break;
      try {
        if (!r.id) throw new Error(fmt.t('imports.id'));
        await api.put(target.path(r.id), r.body);
        done.push({ id: r.id, ok: true, message: '' });
      } catch (e) {
        done.push({ id: r.id, ok: false, message: e instanceof Error ? e.message : String(e) });
      }
      setOutcomes([...done]);
    }
    setRunning(false);
  };

  const ok = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - ok;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={`import-${target.key}`}>
      <Upload.Dragger
        accept=".csv,.json,text/csv,application/json"
        maxCount={1}
        showUploadList={false}
        beforeUpload={(file) => {
          void read(file);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{fmt.t('imports.upload')}</p>
      </Upload.Dragger>
      <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(target.template)}`} download={`${target.key}.csv`}>
        {fmt.t('imports.template')}
      </a>
      {parseError && <Alert type="error" showIcon title={parseError} />}
      {rows.length > 0 && (
        <Card size="small" title={fmt.t('imports.preview', { count: fmt.num(rows.length) })}>
          <Table
            size="small"
            rowKey={(r, i) => `${r.id}#${i}`}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={rows}
            columns={[
              { title: fmt.t('imports.id'), dataIndex: 'id' },
              { title: fmt.t('imports.name'), render: (_: unknown, r) => String(r.body.name ?? '') },
              { title: fmt.t('fields.employer', { ns: 'components' }), render: (_: unknown, r) => String(r.body.employer ?? '') },
              ...(target.key === 'experts' ? [{ title: fmt.t('fields.fields', { ns: 'components' }), render: (_: unknown, r: Row) => ((r.body.fields as string[] | undefined) ?? []).map((f) => <Tag key={f}>{f}</Tag>) }] : []),
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" data-testid="import-start" loading={running} onClick={() => void run()}>
              {fmt.t('imports.start')}
            </Button>
            {running && <Button onClick={() => (stop.current = true)}>{fmt.t('common.cancel')}</Button>}
          </Space>
        </Card>
      )}
      {(running || outcomes.length > 0) && (
        <Card size="small" title={fmt.t('imports.progress')}>
          <Progress
            data-testid="import-progress"
            percent={rows.length ? Math.round((outcomes.length / rows.length) * 100) : 0}
            status={running ? 'active' : failed ? 'exception' : 'success'}
            format={() => `${fmt.num(outcomes.length)} / ${fmt.num(rows.length)}`}
          />
          <Typography.Text data-testid="import-result">{fmt.t('imports.result', { ok: fmt.num(ok), failed: fmt.num(failed) })}</Typography.Text>
          {failed > 0 && (
            <Table
              size="small"
              rowKey="id"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={outcomes.filter((o) => !o.ok)}
              columns={[
                { title: fmt.t('imports.id'), dataIndex: 'id' },
                { title: fmt.t('imports.failed'), dataIndex: 'message' },
              ]}
            />
          )}
        </Card>
      )}
    </Space>
  );
}

export function ImportPage() {
  const fmt = useFmt();
  const { session } = useSession();
  const p = session?.principal;
  const poolKeeper = p?.unit === 'national' && (p.role === 'officer' || p.role === 'admin');
  return (
    <div>
      <Typography.Title level={3}>{fmt.t('imports.title')}</Typography.Title>
      <Tabs
        items={[
          {
            key: 'experts',
            label: fmt.t('imports.experts'),
            children: poolKeeper ? <Importer target={TARGETS[0]!} /> : <Alert type="info" showIcon title={fmt.t('imports.needsNational')} />,
          },
          { key: 'inspectors', label: fmt.t('imports.inspectors'), children: <Importer target={TARGETS[1]!} /> },
          { key: 'institutions', label: fmt.t('imports.institutions'), children: <Alert type="info" showIcon title={fmt.t('imports.institutionsMissing')} /> },
        ]}
      />
    </div>
  );
}
