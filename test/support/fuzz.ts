/**
 * Request generators for fuzzing the HTTP API from its own OpenAPI document (fast-check): for each
 * operation, requests whose path, query and body are either shaped by the operation's JSON schemas
 * (patterns, ranges, enums, required properties) or hostile (wrong types, huge and odd strings,
 * impossible dates, ±Infinity as `1e309`, missing and extra fields, ids of other cases, `../`, very long
 * ids, forged tokens). Path parameters take a real id from a pool of seeded ids half the time. Build an
 * operation's arbitrary once and draw from it: building (fc.stringMatching above all) is the costly
 * part. Used by test/api/fuzz.api.test.ts.
 */
import fc from 'fast-check';

/** The subset of JSON Schema (as @fastify/swagger writes it into OpenAPI 3.0) that the generators read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  nullable?: boolean;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. `/api/cases/{caseId}`. */
  path: string;
  params: Parameter[];
  body?: JsonSchema;
  /** Declares bearer security: no token must never get a 2xx. */
  secured: boolean;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> }; security?: unknown[] }>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every path × method of the document. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  return ops;
}

/** Real ids by kind, read from the store, to aim path parameters and id-like fields at things that exist. */
export type IdPool = Record<string, string[]>;

/** The request as sent: `body` is JSON to serialise, or `raw` text sent as is with its content type. */
export interface FuzzRequest {
  method: string;
  path: string;
  query: [string, string][];
  body?: { json: unknown } | { raw: string; contentType: string };
  /** Replaces the role's Authorization header (only for the caller without a token: forged headers). */
  authorization?: string;
}

/** The limit in api/server.ts (BODY_LIMIT); bodies are generated up to a little over it. */
export const FUZZ_BODY_LIMIT = 256 * 1024;

// ---------------------------------------------------------------------------------------------------
// Schema-shaped values
// ---------------------------------------------------------------------------------------------------

const DATE_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const DAY = 86_400_000;
/** Real calendar days around today, so dates in the past and the future are both tried. */
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const realDate = fc.integer({ min: -400, max: 800 }).map(isoDay);

const typesOf = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

function lengthOk(s: JsonSchema, v: string): boolean {
  return v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Number.MAX_SAFE_INTEGER);
}

/** `fc.stringMatching`, built once per pattern: building one costs far more than drawing from it. */
const matchingCache = new Map<string, fc.Arbitrary<string>>();
function matching(re: RegExp): fc.Arbitrary<string> {
  let arb = matchingCache.get(re.source);
  if (!arb) matchingCache.set(re.source, (arb = fc.stringMatching(re, { size: 'small' })));
  return arb;
}

function stringArb(s: JsonSchema, pool: string[]): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 60, 60));
  let base: fc.Arbitrary<string>;
  if (s.format === 'date' || s.pattern === DATE_RE) base = fc.oneof(realDate, matching(new RegExp(DATE_RE)));
  else if (s.format === 'date-time') base = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  else if (s.format === 'email') base = fc.emailAddress();
  else if (s.format === 'uri') base = fc.webUrl();
  else if (s.pattern === '\\S') base = fc.string({ minLength: Math.max(min, 1), maxLength: max, unit: fc.oneof(fc.constantFrom('整', '改', 'a', ' ', '。'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }).filter((v) => /\S/.test(v));
  else if (s.pattern) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern);
    } catch {
      re = undefined;
    }
    base = re ? matching(re) : fc.string({ minLength: min, maxLength: max });
  } else base = fc.oneof({ arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }), weight: 2 }, { arbitrary: fc.string({ minLength: min, maxLength: max }), weight: 1 });
  const fitting = pool.filter((v) => lengthOk(s, v) && (!s.pattern || safeTest(s.pattern, v)));
  const arb = fitting.length > 0 ? fc.oneof({ arbitrary: base, weight: 3 }, { arbitrary: fc.constantFrom(...fitting), weight: 1 }) : base;
  // Keep to the declared length where the generator can; a value that cannot be fitted is still sent.
  return arb.map((v) => (v.length > (s.maxLength ?? Infinity) && !s.pattern ? v.slice(0, s.maxLength) : v));
}

function safeTest(pattern: string, v: string): boolean {
  try {
    return new RegExp(pattern).test(v);
  } catch {
    return false;
  }
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  let min = s.minimum ?? -1_000_000;
  let max = s.maximum ?? 1_000_000;
  if (typeof s.exclusiveMinimum === 'number') min = s.exclusiveMinimum + (integer ? 1 : Number.EPSILON);
  if (typeof s.exclusiveMaximum === 'number') max = s.exclusiveMaximum - (integer ? 1 : Number.EPSILON);
  return integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

const smallJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** A value valid for `s` (as far as a generator can know: cross-field rules are left to the server). */
export function schemaArb(s: JsonSchema, pool: string[], depth = 0): fc.Arbitrary<unknown> {
  const arb = schemaArbInner(s, pool, depth);
  return s.nullable ? fc.option(arb, { nil: null, freq: 8 }) : arb;
}

function schemaArbInner(s: JsonSchema, pool: string[], depth: number): fc.Arbitrary<unknown> {
  if (depth > 8) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((a) => schemaArb(a, pool, depth + 1)));
  if (s.allOf && s.allOf.length > 0) return schemaArb(mergeAll(s.allOf), pool, depth + 1);
  const types = typesOf(s);
  if (types.length === 0) return s.properties ? objectArb(s, pool, depth) : smallJson;
  return fc.oneof(
    ...types.map((t): fc.Arbitrary<unknown> => {
      switch (t) {
        case 'string':
          return stringArb(s, pool);
        case 'integer':
          return numberArb(s, true);
        case 'number':
          return numberArb(s, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array': {
          const item = schemaArb(s.items ?? {}, pool, depth + 1);
          const minLength = s.minItems ?? 0;
          const maxLength = Math.max(minLength, Math.min(s.maxItems ?? minLength + 3, minLength + 3));
          return s.uniqueItems ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) }) : fc.array(item, { minLength, maxLength });
        }
        default:
          return objectArb(s, pool, depth);
      }
    }),
  );
}

function mergeAll(schemas: JsonSchema[]): JsonSchema {
  return schemas.reduce<JsonSchema>(
    (acc, s) => ({ ...acc, ...s, properties: { ...acc.properties, ...s.properties }, required: [...(acc.required ?? []), ...(s.required ?? [])] }),
    {},
  );
}

function objectArb(s: JsonSchema, pool: string[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0) {
    if (s.additionalProperties === false) return fc.constant({});
    const values = typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length > 0 ? schemaArb(s.additionalProperties, pool, depth + 1) : smallJson;
    return fc.dictionary(fc.stringMatching(/^[a-zA-Z]{1,12}$/), values, { minKeys: s.minProperties ?? 0, maxKeys: Math.max(s.minProperties ?? 0, 4) });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const n of names) model[n] = schemaArb(props[n]!, pool, depth + 1);
  const required = (s.required ?? []).filter((r) => names.includes(r));
  return fc.record(model, { requiredKeys: required });
}

// ---------------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------------

/**
 * JSON has no ±Infinity, but the number `1e309` parses to it (and so does the query value `1e309`
 * once coerced to a number): these markers are sent as that literal (see jsonText, literal).
 */
export const INFINITY = '\u0000+1e309\u0000';
export const NEG_INFINITY = '\u0000-1e309\u0000';

/** A generated string as sent: the markers become the literal `1e309`. */
export const literal = (s: string) => s.replaceAll(INFINITY, '1e309').replaceAll(NEG_INFINITY, '-1e309');

/** A generated value as JSON text: a marker becomes the bare number `1e309` / `-1e309`. */
export const jsonText = (v: unknown) => (JSON.stringify(v) ?? 'null').replaceAll(JSON.stringify(INFINITY), '1e309').replaceAll(JSON.stringify(NEG_INFINITY), '-1e309');

/** Strings that have broken services before: traversal, encodings, injection, odd Unicode. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  '../',
  '../../../../etc/passwd',
  '..%2F..%2Fapi%2Fdev%2Fusers',
  '%',
  '%zz',
  '%E0%A4%A',
  '\uD800',
  '\uDFFF\uD800',
  '\uFEFF',
  '\u202Egnp.exe',
  '😀👨‍👩‍👧‍👦',
  'Ω≈ç√∫',
  '中文'.repeat(40),
  '$gt',
  '{"$gt":""}',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x10',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '${7*7}',
  'selection-plan:national:',
  'listing:',
  'a~b~c~d',
  ':::',
];

const NASTY_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  [null],
  [[[[[]]]]],
  {},
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  { constructor: { prototype: { polluted: true } } },
  INFINITY,
  NEG_INFINITY,
];

/** A string up to a little over the body limit: one repeated character, ASCII or multi-byte. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', '中', '😀', '"', '\\', ' '), fc.oneof(fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: FUZZ_BODY_LIMIT - 2_000, max: FUZZ_BODY_LIMIT + 4_096 })))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)));

/** Any Unicode (lone surrogates and control characters included), short. */
const unicodeString = fc.string({ unit: 'binary', maxLength: 80 });

/** Strings for the URL (a path segment, a query value): hostile but short enough for the HTTP header limit. */
export const hostileUrlString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS, INFINITY, NEG_INFINITY), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom('a', '中', ':', '~', '.'), fc.integer({ min: 60, max: 1_200 })).map(([c, n]) => c.repeat(n)), weight: 1 },
);

function wrongTypeArb(s: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(s);
  const others: fc.Arbitrary<unknown>[] = [fc.constantFrom(...NASTY_VALUES)];
  if (!types.includes('string')) others.push(fc.constantFrom(...NASTY_STRINGS), unicodeString);
  if (!types.includes('object')) others.push(fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 }));
  if (!types.includes('array')) others.push(fc.array(smallJson, { maxLength: 3 }));
  if (!types.includes('integer') && !types.includes('number')) others.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));
  return fc.oneof(...others);
}

/** A value wrong for `s`: a wrong type, an odd or huge string, a bound crossed, a field missing or added. */
export function hostileArb(s: JsonSchema, pool: string[], depth = 0): fc.Arbitrary<unknown> {
  type Weighted = { arbitrary: fc.Arbitrary<unknown>; weight: number };
  const arbs: Weighted[] = [
    { arbitrary: wrongTypeArb(s), weight: 2 },
    { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 1 },
    { arbitrary: unicodeString, weight: 1 },
  ];
  if (depth === 0) arbs.push({ arbitrary: hugeString, weight: 1 });
  if (pool.length > 0) arbs.push({ arbitrary: fc.constantFrom(...pool), weight: 1 });
  const types = typesOf(s);
  const numeric = types.includes('integer') || types.includes('number');
  // Values of the right type just past what the schema says, or that a schema cannot say.
  if (types.includes('string') && s.maxLength !== undefined) arbs.push({ arbitrary: fc.constant('x'.repeat(s.maxLength + 1)), weight: 1 });
  if (types.includes('string') && (s.format === 'date' || s.pattern === DATE_RE)) arbs.push({ arbitrary: fc.constantFrom('2026-02-30', '2026-13-01', '2026-00-10', '0000-00-00', '9999-12-31', '2025-02-29'), weight: 3 });
  if (numeric) arbs.push({ arbitrary: fc.constantFrom(INFINITY, NEG_INFINITY, 1e308, -1e308, 0.5, -0), weight: 3 });
  if (numeric && s.maximum !== undefined) arbs.push({ arbitrary: fc.constantFrom(s.maximum + 1, s.maximum + 0.5), weight: 1 });
  if (numeric && s.minimum !== undefined) arbs.push({ arbitrary: fc.constantFrom(s.minimum - 1, s.minimum - 0.5), weight: 1 });
  if (types.includes('array') && s.items && depth < 6) {
    const item = schemaArb(s.items, pool, depth + 1);
    arbs.push({ arbitrary: fc.array(hostileArb(s.items, pool, depth + 1), { minLength: 1, maxLength: 3 }), weight: 2 });
    if (s.maxItems !== undefined && s.maxItems < 500) arbs.push({ arbitrary: fc.array(item, { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }), weight: 1 });
    if ((s.minItems ?? 0) > 0) arbs.push({ arbitrary: fc.constant([]), weight: 1 });
  }
  const props = s.properties ?? {};
  const names = Object.keys(props);
  if (names.length > 0 && depth < 6) {
    const valid = objectArb(s, pool, depth);
    // One property made hostile, the rest valid: the deep checks are reached.
    arbs.push({ arbitrary: fc.oneof(...names.map((k) => fc.tuple(valid, hostileArb(props[k]!, pool, depth + 1)).map(([v, h]) => ({ ...v, [k]: h })))), weight: 5 });
    const required = (s.required ?? []).filter((r) => names.includes(r));
    if (required.length > 0) arbs.push({ arbitrary: fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => Object.fromEntries(Object.entries(v).filter(([n]) => n !== k))), weight: 1 });
    arbs.push({ arbitrary: fc.tuple(valid, fc.constantFrom('extra', '__proto__', '$set', 'constructor', 'caseId', 'actor', 'seq'), smallJson).map(([v, k, x]) => ({ ...v, [k]: x })), weight: 1 });
  }
  return fc.oneof(...arbs);
}

// ---------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------

/** Which pool ids suit a path parameter, by its name and the route it is in. */
function preferredIds(op: Operation, param: string, pool: IdPool): string[] {
  switch (param) {
    case 'taskId':
      return pool.tasks ?? [];
    case 'unit':
      return pool.units ?? [];
    case 'year':
      return pool.years ?? [];
    case 'institutionId':
      return pool.institutions ?? [];
    case 'expertId':
      return pool.experts ?? [];
    case 'inspectorId':
      return pool.inspectors ?? [];
    case 'templateId':
      return pool.templates ?? [];
    case 'drawId':
      return pool.draws ?? [];
    case 'action':
      return pool.actions ?? [];
    case 'roundId':
      return (pool.cases ?? []).filter((c) => c.startsWith('selection-round:')).concat(pool.rounds ?? []);
    case 'id':
      return op.path.includes('relations') ? (pool.relations ?? []) : (pool.notifications ?? []);
    default: {
      // `/api/rectifications/{caseId}/…` → ids of rectification cases; any case id otherwise.
      const segment = op.path.split('/')[2] ?? '';
      const prefix = segment.replace(/ies$/, 'y').replace(/s$/, '');
      const cases = pool.cases ?? [];
      const matching = cases.filter((c) => c.startsWith(prefix));
      return matching.length > 0 ? matching : cases;
    }
  }
}

const allIds = (pool: IdPool) => [...new Set(Object.values(pool).flat())];

/** Percent-encodes a path segment; a string that is not well-formed UTF-16 is encoded from its UTF-8 bytes (lone surrogates become U+FFFD). */
export function encodeSegment(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return Array.from(Buffer.from(v, 'utf8'), (b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  }
}

function pathParamArb(op: Operation, p: Parameter, pool: IdPool): fc.Arbitrary<string> {
  const preferred = preferredIds(op, p.name, pool);
  const any = allIds(pool);
  const real: fc.Arbitrary<string>[] = [];
  if (preferred.length > 0) real.push(fc.constantFrom(...preferred));
  if (any.length > 0) real.push(fc.constantFrom(...any));
  const generated = fc.oneof(
    { arbitrary: stringArb(p.schema, []).map(encodeSegment), weight: 4 },
    { arbitrary: hostileUrlString.map((v) => encodeSegment(literal(v))), weight: 3 },
    // Raw, unencoded: traversal and broken escapes reach the router as they are.
    { arbitrary: fc.constantFrom('..', '../', '..%2F..%2F', '%', '%zz', '%E0%A4%A', '.', '~', 'a/../b', '%2e%2e'), weight: 1 },
    // Very long ids: up to the router's limit on a parameter (100 characters), and past it.
    { arbitrary: fc.oneof(fc.integer({ min: 90, max: 100 }), fc.integer({ min: 101, max: 3_000 })).map((n) => 'x'.repeat(n)), weight: 1 },
  );
  // Half the time a real id (of the kind the route expects, or of anything else).
  return real.length > 0 ? fc.oneof({ arbitrary: fc.oneof(...real).map(encodeSegment), weight: 1 }, { arbitrary: generated, weight: 1 }) : generated;
}

function queryValueStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(queryValueStrings);
  if (v === null || v === undefined) return [''];
  if (typeof v === 'object') return [jsonText(v)];
  return [literal(String(v))];
}

function queryArb(op: Operation, pool: string[], hostile: boolean): fc.Arbitrary<[string, string][]> {
  const params = op.params.filter((p) => p.in === 'query');
  const entries = params.map((p) => {
    // Hostile values one level down: no strings of body size in a URL (the HTTP server refuses those before the app sees them).
    const value = hostile ? fc.oneof(schemaArb(p.schema, pool), hostileUrlString, hostileArb(p.schema, pool, 1)) : schemaArb(p.schema, pool);
    // Fastify fills defaults, so a parameter "required" by the document is often optional in fact: try both.
    const present = p.required && !hostile ? fc.constant(true) : fc.boolean();
    return fc.tuple(present, value).map(([on, v]): [string, string][] => (on ? queryValueStrings(v).map((s): [string, string] => [p.name, s]) : []));
  });
  const extra = hostile ? fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', 'limit', '$where'), hostileUrlString), { freq: 3 }) : fc.constant(null);
  return fc.tuple(fc.tuple(...entries), extra).map(([lists, x]) => [...lists.flat(), ...(x ? [x] : [])]);
}

const RAW_BODIES = ['{', '{"a":', 'null', '[]', '""', '1', 'true', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}', '\uFEFF{}', '{}garbage', ' '];

function bodyArb(op: Operation, pool: string[], hostile: boolean): fc.Arbitrary<FuzzRequest['body']> {
  if (op.method === 'GET' || op.method === 'DELETE' || op.method === 'HEAD') return fc.constant(undefined);
  const schema = op.body ?? { type: 'object', properties: {}, additionalProperties: false };
  if (!hostile) return schemaArb(schema, pool).map((json) => ({ json }));
  return fc.oneof(
    { arbitrary: hostileArb(schema, pool).map((json) => ({ json })), weight: 6 },
    { arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw, contentType: 'application/json' })), weight: 1 },
    {
      arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'), fc.string({ maxLength: 40 })).map(([contentType, raw]) => ({ raw, contentType })),
      weight: 1,
    },
  );
}

/** Forged or malformed Authorization headers, for the caller without a token. */
export const forgedAuthorization: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer garbage',
      'Basic bmF0LWFkbWluOnBhc3N3b3Jk',
      // alg "none", sub nat-admin, role admin.
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJuYXQtYWRtaW4iLCJuYW1lIjoieCIsInJvbGUiOiJhZG1pbiIsInVuaXQiOiJuYXRpb25hbCIsImlzcyI6ImR0ZSIsImF1ZCI6ImR0ZS1hcGkifQ.',
      // HS256 with another key.
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuYXQtYWRtaW4iLCJuYW1lIjoieCIsInJvbGUiOiJhZG1pbiIsInVuaXQiOiJuYXRpb25hbCIsImlzcyI6ImR0ZSIsImF1ZCI6ImR0ZS1hcGkifQ.c2lnbmF0dXJl',
    ),
    weight: 2,
  },
  // Printable ASCII only: anything else is refused by the HTTP client before it is sent.
  { arbitrary: fc.string({ maxLength: 60, unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) }).map((s) => `Bearer ${s}`), weight: 1 },
);

/**
 * Requests for one operation: schema-shaped (half) or hostile (half), with path parameters that are
 * real ids half the time.
 */
export function requestArb(op: Operation, pool: IdPool, options: { forgeAuthorization?: boolean } = {}): fc.Arbitrary<FuzzRequest> {
  const ids = allIds(pool);
  const pathParams = op.params.filter((p) => p.in === 'path');
  const path = fc.tuple(...pathParams.map((p) => pathParamArb(op, p, pool))).map((values) => {
    let out = op.path;
    pathParams.forEach((p, i) => (out = out.replace(`{${p.name}}`, values[i]!)));
    return out;
  });
  const auth = options.forgeAuthorization ? forgedAuthorization : fc.constant(undefined);
  const variant = (hostile: boolean) => fc.record({ method: fc.constant(op.method), path, query: queryArb(op, ids, hostile), body: bodyArb(op, ids, hostile), authorization: auth });
  return fc
    .oneof(variant(false), variant(true))
    // Node's HTTP server refuses a request line and headers over 16 KB itself (431, before the app).
    .filter((r) => urlOf(r).length <= MAX_URL);
}

/** Longest URL generated: under Node's 16 KB limit on the request line and headers, with room for the headers. */
export const MAX_URL = 12_000;

/** `path?query` as sent. */
export function urlOf(req: FuzzRequest): string {
  if (req.query.length === 0) return req.path;
  return `${req.path}?${new URLSearchParams(req.query).toString()}`;
}

/** A short, printable description of a request (huge strings cut, lone surrogates escaped). */
export function describeRequest(req: FuzzRequest): string {
  const body = req.body === undefined ? '' : 'json' in req.body ? ` ${short(req.body.json)}` : ` [${req.body.contentType}] ${JSON.stringify(req.body.raw).slice(0, 200)}`;
  const auth = req.authorization !== undefined ? ` (Authorization: ${JSON.stringify(req.authorization).slice(0, 60)})` : '';
  return `${req.method} ${urlOf(req).slice(0, 400)}${body}${auth}`;
}

/** JSON with strings longer than 80 characters cut to a note of their length. */
export function short(v: unknown, max = 600): string {
  if (v === undefined) return 'undefined';
  const text = jsonText(JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && x.length > 80 ? `${x.slice(0, 40)}…(${x.length} chars)` : x)) ?? 'null'));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
