/**
 * A form rendered from a JSON schema (a command's payload, a request body from /openapi.json) with
 * @rjsf/antd: no hand-written widgets. The schema's field names get the glossary's labels in the
 * active language, long texts get a text area, dates a date picker, validation needs no eval (the
 * console's CSP forbids it: ./cspValidator.ts), and the API's field errors
 * (`details.fields: [{ field: '/reason', message }]`) are shown at their fields.
 *
 * Shared: any area (staff console, institution portal, expert pages) can drive commands with it.
 */
import Form from '@rjsf/antd';
import { englishStringTranslator, replaceStringParameters, type ErrorSchema, type RJSFSchema, type RJSFValidationError, type TranslatableString, type UiSchema } from '@rjsf/utils';
import { Button, Space } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cspSafeValidator } from './cspValidator';
import { COMPONENTS_NS, componentMessages } from './i18n';

export type JsonSchema = Record<string, unknown>;
type FieldError = { field: string; message: string };

const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/** Labels and options in the active language; English descriptions dropped; date patterns become date pickers. */
export function localiseSchema(schema: JsonSchema, label: (key: string) => string | undefined, value: (v: string) => string | undefined, key?: string): JsonSchema {
  const out: JsonSchema = { ...schema };
  delete out.description;
  const own = key ? label(key) : undefined;
  if (own && !out.title) out.title = own;
  if (out.type === 'string' && out.pattern === DATE_PATTERN && !out.format) out.format = 'date';
  const props = out.properties as Record<string, JsonSchema> | undefined;
  if (props) out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, localiseSchema(v, label, value, k)]));
  if (out.items && !Array.isArray(out.items)) out.items = localiseSchema(out.items as JsonSchema, label, value);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const alternatives = out[combinator] as JsonSchema[] | undefined;
    if (!alternatives) continue;
    // A union of constants (`kind: 'training' | 'evaluation'`) is a select of labelled values.
    const constants = alternatives.map((a) => (a.const !== undefined ? a.const : Array.isArray(a.enum) && a.enum.length === 1 ? a.enum[0] : undefined));
    if (constants.every((c) => c !== undefined)) {
      const types = [...new Set(constants.map((c) => (typeof c === 'number' ? 'number' : typeof c)))];
      delete out[combinator];
      if (types.length === 1 && !out.type) out.type = types[0];
      out.oneOf = constants.map((c) => ({ const: c, title: value(String(c)) ?? String(c) }));
      continue;
    }
    out[combinator] = alternatives.map((a) => {
      const l = localiseSchema(a, label, value);
      const constant = a.const !== undefined ? a.const : Array.isArray(a.enum) && a.enum.length === 1 ? a.enum[0] : undefined;
      if (constant !== undefined) l.title = value(String(constant)) ?? String(constant);
      else if (a.type === 'object' && Array.isArray(a.required) && a.required.length === 1) l.title = label(String(a.required[0])) ?? String(a.required[0]);
      else if (a.type === 'null') l.title = '—';
      return l;
    });
  }
  // A choice among several values (a one-value enum is how OpenAPI 3.0 writes a const: left as it is).
  if (Array.isArray(out.enum) && out.enum.length > 1) {
    out.oneOf = (out.enum as unknown[]).map((v) => ({ const: v, title: value(String(v)) ?? String(v) }));
    delete out.enum;
  }
  return out;
}

/** Text areas for long texts, radio buttons for yes/no (no silent default), recursively. */
export function uiSchemaFor(schema: JsonSchema): UiSchema {
  if (schema.type === 'string' && typeof schema.maxLength === 'number' && schema.maxLength >= 1000) return { 'ui:widget': 'textarea', 'ui:options': { rows: 3 } };
  if (schema.type === 'boolean') return { 'ui:widget': 'radio' };
  if (schema.type === 'object' && schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties as Record<string, JsonSchema>).map(([k, v]) => [k, uiSchemaFor(v)]));
  }
  if (schema.type === 'array' && schema.items && !Array.isArray(schema.items)) return { items: uiSchemaFor(schema.items as JsonSchema) };
  return {};
}

function mergeUi(a: UiSchema, b: UiSchema | undefined): UiSchema {
  if (!b) return a;
  const out: UiSchema = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k] as unknown;
    out[k] = cur && typeof cur === 'object' && v && typeof v === 'object' && !Array.isArray(v) && !k.startsWith('ui:') ? mergeUi(cur as UiSchema, v as UiSchema) : v;
  }
  return out;
}

/** The API's field errors (`/a/b/0`, `body/a`) as rjsf's error schema. */
export function extraErrorsOf(fields: FieldError[] | undefined): ErrorSchema | undefined {
  if (!fields?.length) return undefined;
  const root: Record<string, unknown> = {};
  for (const f of fields) {
    const path = f.field.replace(/^(body|querystring|params)(?=\/|$)/, '').split('/').filter(Boolean);
    let node = root;
    for (const segment of path) node = (node[segment] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(f.message);
  }
  return root as ErrorSchema;
}

export interface SchemaFormProps {
  schema: JsonSchema;
  formData?: Record<string, unknown>;
  uiSchema?: UiSchema;
  onSubmit: (data: Record<string, unknown>) => void | Promise<void>;
  busy?: boolean;
  disabled?: boolean;
  submitText?: ReactNode;
  submitTestId?: string;
  /** Field errors the API answered with, shown at their fields. */
  serverErrors?: FieldError[];
  /** Rendered beside the submit button (a cancel button). */
  extra?: ReactNode;
}

export function SchemaForm({ schema, formData, uiSchema, onSubmit, busy, disabled, submitText, submitTestId, serverErrors, extra }: SchemaFormProps) {
  const { t, i18n } = useTranslation(COMPONENTS_NS);
  const [data, setData] = useState<Record<string, unknown>>(formData ?? {});
  const localised = useMemo(() => {
    const label = (k: string) => (i18n.exists(`fields.${k}`, { ns: COMPONENTS_NS }) ? t(`fields.${k}`) : undefined);
    const value = (v: string) => (i18n.exists(`values.${v}`, { ns: COMPONENTS_NS }) ? t(`values.${v}`) : undefined);
    return localiseSchema(schema, label, value) as RJSFSchema;
  }, [schema, t, i18n]);
  const ui = useMemo(() => mergeUi(uiSchemaFor(localised as JsonSchema), uiSchema), [localised, uiSchema]);
  const extraErrors = useMemo(() => extraErrorsOf(serverErrors), [serverErrors]);

  const translateString = (key: TranslatableString, params?: string[]) => {
    const rjsf = componentMessages().rjsf as Record<string, string>;
    const own = rjsf[key as string];
    return own ? replaceStringParameters(own, params) : englishStringTranslator(key, params);
  };

  const transformErrors = (errors: RJSFValidationError[]): RJSFValidationError[] => {
    const meaningful = errors.filter((e) => !['anyOf', 'oneOf', 'const', 'if'].includes(e.name ?? ''));
    return (meaningful.length ? meaningful : errors).map((e) => {
      const p = (e.params ?? {}) as { limit?: number; format?: string; additionalProperty?: string };
      let key = e.name ?? 'type';
      if (key === 'minLength' && p.limit === 1) key = 'required';
      const message = i18n.exists(`validation.${key}`, { ns: COMPONENTS_NS }) ? t(`validation.${key}`, { limit: p.limit, format: p.format, property: p.additionalProperty }) : (e.message ?? key);
      return { ...e, message, stack: `${e.property ?? ''} ${message}` };
    });
  };

  return (
    <Form
      schema={localised}
      uiSchema={ui}
      formData={data}
      validator={cspSafeValidator}
      disabled={disabled || busy}
      omitExtraData
      experimental_defaultFormStateBehavior={{ arrayMinItems: { populate: 'requiredOnly' }, emptyObjectFields: 'populateRequiredDefaults', constAsDefaults: 'never', requiredBooleanDefault: 'skip' }}
      showErrorList={false}
      focusOnFirstError
      noHtml5Validate
      extraErrors={extraErrors}
      translateString={translateString}
      transformErrors={transformErrors}
      onChange={(e) => setData(e.formData as Record<string, unknown>)}
      onSubmit={(e) => void onSubmit((e.formData ?? {}) as Record<string, unknown>)}
    >
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} disabled={disabled} data-testid={submitTestId}>
          {submitText ?? t('form.submit')}
        </Button>
        {extra}
      </Space>
    </Form>
  );
}
