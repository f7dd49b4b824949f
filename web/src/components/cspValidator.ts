/**
 * An rjsf validator that needs no `eval`: the console's Content-Security-Policy (`script-src 'self'`,
 * api/identity/install.ts) forbids the code generation Ajv compiles schemas with, so forms validate
 * with @cfworker/json-schema, an interpreter (it runs where eval is banned), and its errors are
 * turned into rjsf's: the field path, the keyword and its limit (`params.limit`, `params.format`)
 * for the messages in ./messages.ts. Branches of an `anyOf` the data was not meant for are not reported.
 *
 * Shared: every SchemaForm uses it.
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import {
  createErrorHandler,
  getDefaultFormState,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  type CustomValidator,
  type ErrorTransformer,
  type RJSFSchema,
  type RJSFValidationError,
  type UiSchema,
  type ValidationData,
  type ValidatorType,
} from '@rjsf/utils';

type Data = Record<string, unknown>;
const cache = new WeakMap<object, Validator>();

function validatorFor(schema: RJSFSchema): Validator {
  let v = cache.get(schema);
  if (!v) {
    v = new Validator(schema as Schema, '7', false);
    cache.set(schema, v);
  }
  return v;
}

const STRUCTURAL = new Set(['properties', 'items', 'prefixItems', 'false', '$ref', 'allOf', 'dependentSchemas', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']);
const LIMITS = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf']);

/** `#/a/0/b` → `['a', '0', 'b']` (JSON pointer, unescaped). */
const pointer = (location: string) =>
  location
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));

function at(root: unknown, path: string[]): unknown {
  let node = root;
  for (const p of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[p] : undefined;
  return node;
}

const quoted = (s: string) => /"([^"]+)"/.exec(s)?.[1];

/** cfworker's output units → rjsf validation errors, without the structural and wrong-branch ones. */
export function toRjsfErrors(units: OutputUnit[], schema: RJSFSchema): RJSFValidationError[] {
  const branches = units.filter((u) => u.keyword === 'anyOf' || u.keyword === 'oneOf').map((u) => ({ at: u.keywordLocation, instance: u.instanceLocation }));
  const out: RJSFValidationError[] = [];
  for (const u of units) {
    if (STRUCTURAL.has(u.keyword)) continue;
    const branch = branches.filter((b) => u.keywordLocation.startsWith(`${b.at}/`)).sort((a, b) => b.at.length - a.at.length)[0];
    // In an alternative, only errors below the value the alternatives are about (a field of the chosen option).
    if (branch && u.instanceLocation === branch.instance) continue;
    const instance = pointer(u.instanceLocation);
    const params: Record<string, unknown> = {};
    let path = instance;
    if (u.keyword === 'required') {
      const missing = quoted(u.error);
      if (missing) {
        params.missingProperty = missing;
        path = [...instance, missing];
      }
    } else if (u.keyword === 'additionalProperties') {
      params.additionalProperty = quoted(u.error);
    } else if (LIMITS.has(u.keyword) || u.keyword === 'format' || u.keyword === 'pattern' || u.keyword === 'type') {
      const value = at(schema, pointer(u.keywordLocation));
      if (LIMITS.has(u.keyword)) params.limit = value;
      else params[u.keyword] = value;
    }
    const property = path.length ? `.${path.join('.')}` : '';
    out.push({ name: u.keyword, property, message: u.error, params, schemaPath: u.keywordLocation, stack: `${property} ${u.error}`.trim() });
  }
  return out;
}

export class CspSafeValidator implements ValidatorType<Data, RJSFSchema> {
  rawValidation<Result = OutputUnit>(schema: RJSFSchema, formData?: Data): { errors?: Result[]; validationError?: Error } {
    try {
      const result = validatorFor(schema).validate(formData);
      return { errors: result.errors as Result[] };
    } catch (e) {
      return { validationError: e instanceof Error ? e : new Error(String(e)) };
    }
  }

  validateFormData(formData: Data | undefined, schema: RJSFSchema, customValidate?: CustomValidator<Data, RJSFSchema>, transformErrors?: ErrorTransformer<Data, RJSFSchema>, uiSchema?: UiSchema<Data, RJSFSchema>): ValidationData<Data> {
    const raw = this.rawValidation<OutputUnit>(schema, formData);
    let errors = toRjsfErrors(raw.errors ?? [], schema);
    if (raw.validationError) errors = [...errors, { stack: raw.validationError.message }];
    if (typeof transformErrors === 'function') errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<Data>(errors);
    if (typeof customValidate !== 'function') return { errors, errorSchema };
    const withDefaults = (getDefaultFormState<Data, RJSFSchema>(this, schema, formData, schema, true) ?? {}) as Data;
    const handler = customValidate(withDefaults, createErrorHandler<Data>(withDefaults), uiSchema, errorSchema);
    return validationDataMerge<Data>({ errors, errorSchema }, unwrapErrorHandler<Data>(handler));
  }

  isValid(schema: RJSFSchema, formData: Data | undefined, _rootSchema: RJSFSchema): boolean {
    try {
      // The console's schemas are self-contained (TypeBox inlines every subschema): no $ref to resolve.
      return validatorFor(schema).validate(formData).valid;
    } catch {
      return false;
    }
  }
}

export const cspSafeValidator = new CspSafeValidator();
