/**
 * Shows a JSON value from a case (its summary, a command's payload in the history) readably: dates in
 * the active locale, units by name, case ids as links, occupations and institutions by name, nested
 * objects as small description lists labelled with the glossary's words.
 */
import { Descriptions, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { COMPONENTS_NS } from '../../components/i18n';
import { CaseLink } from './components';
import { useFmt } from './format';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UNIT = /^(national|province:\d{2}|locality:\d{6}|industry:[a-z0-9-]+|institution:[\w-]+|expert:[\w-]+|inspector:[\w-]+)$/;
const CASE_ID = /^(selection-plan|selection-round|application|listing|rectification|incident|inspection|conduct-review):/;

export function useKeyLabel() {
  const { t, i18n } = useTranslation('staff');
  const { t: tc } = useTranslation(COMPONENTS_NS);
  return (key: string) => (i18n.exists(`summaryKeys.${key}`, { ns: 'staff' }) ? t(`summaryKeys.${key}`) : i18n.exists(`fields.${key}`, { ns: COMPONENTS_NS }) ? tc(`fields.${key}`) : key);
}

export function ValueView({ value, depth = 0, fieldKey }: { value: unknown; depth?: number; fieldKey?: string }) {
  const fmt = useFmt();
  const label = useKeyLabel();
  if (value === null || value === undefined || value === '') return <Typography.Text type="secondary">—</Typography.Text>;
  if (typeof value === 'boolean') return <>{value ? fmt.t('common.yes') : fmt.t('common.no')}</>;
  if (typeof value === 'number') return <>{fmt.num(value)}</>;
  if (typeof value === 'string') {
    if (INSTANT.test(value)) return <>{fmt.dateTime(value)}</>;
    if (DAY.test(value)) return <>{fmt.date(value)}</>;
    if (UNIT.test(value)) return <Tag>{fmt.unit(value)}</Tag>;
    if (CASE_ID.test(value)) return <CaseLink caseId={value} />;
    if (fieldKey === 'kind') return <>{fmt.kind(value)}</>;
    return (
      <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} ellipsis={value.length > 200 ? { rows: 3, expandable: true } : false}>
        {value}
      </Typography.Paragraph>
    );
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <Typography.Text type="secondary">{fmt.t('common.none')}</Typography.Text>;
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      return (
        <Space size={4} wrap>
          {value.map((v, i) => (
            <Tag key={i}>{typeof v === 'number' ? fmt.num(v) : String(v)}</Tag>
          ))}
        </Space>
      );
    }
    return (
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        {value.slice(0, 50).map((v, i) => (
          <div key={i} style={{ borderLeft: '2px solid #f0f0f0', paddingLeft: 8 }}>
            <ValueView value={v} depth={depth + 1} />
          </div>
        ))}
      </Space>
    );
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && typeof o.code === 'string' && typeof o.name === 'string') return <>{`${o.name}（${o.code}）`}</>;
    if (typeof o.id === 'string' && typeof o.name === 'string' && typeof o.province === 'string' && keys.length <= 3) {
      return <>{`${o.name} · ${fmt.province(o.province)}`}</>;
    }
    if (keys.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
    return (
      <Descriptions
        size="small"
        column={1}
        bordered={depth === 0}
        items={keys.map((k) => ({ key: k, label: label(k), children: <ValueView value={o[k]} depth={depth + 1} fieldKey={k} /> }))}
      />
    );
  }
  return <>{String(value)}</>;
}
