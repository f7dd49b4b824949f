/**
 * One error shape for every failure: `{ error: { code, message, details } }`. A caller's mistake is a
 * 4xx naming the field or the rule; only our own faults are 5xx.
 */
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyError, FastifyInstance } from 'fastify';
import { FAILURE_STATUS, type FailureCode } from '../workflows/runtime/failures.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const ErrorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message', 'details'],
    },
  },
  required: ['error'],
} as const;

/** Translates a Temporal client failure (an Update rejected by the case) into an ApiError. */
export function fromTemporal(e: unknown): unknown {
  if (e instanceof WorkflowNotFoundError) return new ApiError(404, 'NotFound', 'no such case');
  if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
    const code = e.cause.type as FailureCode;
    const status = FAILURE_STATUS[code];
    if (status) return new ApiError(status, code, e.cause.message, (e.cause.details?.[0] as Record<string, unknown>) ?? {});
  }
  return e;
}

/**
 * Errors Fastify raises before a route runs (a malformed percent-encoding, a path parameter over the
 * length limit), in the one error shape. Passed as the `frameworkErrors` server option.
 */
export function frameworkError(err: FastifyError, _req: unknown, reply: { status(code: number): { send(body: unknown): unknown } }): void {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  reply.status(status).send({ error: { code: err.code ?? 'BadRequest', message: err.message, details: {} } });
}

/**
 * Query and path numbers must be finite: the validator coerces `1e309` to Infinity and skips the
 * range checks for it (ajv-validator/ajv#2212), so a route would get an infinite limit or year.
 * Registered as a `preHandler` hook: such a request is a 400 naming the field.
 */
export function rejectNonFiniteNumbers(req: { query?: unknown; params?: unknown }): void {
  for (const [where, values] of [['querystring', req.query], ['params', req.params]] as const) {
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
        throw new ApiError(400, 'InvalidInput', `${where}/${key} must be a finite number`, { fields: [{ field: `${where}/${key}`, message: 'must be a finite number' }] });
      }
    }
  }
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | Error, req, reply) => {
    if (err instanceof ApiError) {
      if (err.statusCode === 403) req.log.warn({ principal: req.principal?.id, url: req.url, reason: err.message }, 'denied');
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const fields = fe.validation.map((v) => {
        // Name the offending field itself: the extra property, or the missing one.
        const params = v.params as { additionalProperty?: string; missingProperty?: string };
        const leaf = params.additionalProperty ?? params.missingProperty;
        const field = `${fe.validationContext ?? ''}${v.instancePath || ''}${leaf ? `/${leaf}` : ''}`;
        return { field: field || '/', message: v.message ?? 'invalid' };
      });
      return reply.status(400).send({ error: { code: 'InvalidInput', message: err.message, details: { fields } } });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: { code: fe.code ?? 'BadRequest', message: err.message, details: {} } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'Internal', message: 'internal error', details: {} } });
  });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    // The browser console's client-side routes (api/static.ts): any other GET page gets index.html.
    if (req.method === 'GET' && 'sendFile' in reply && !url.startsWith('/api/') && url !== '/api' && !/\.[A-Za-z0-9]+$/.test(url)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'NotFound', message: `no route ${req.method} ${url}`, details: {} } });
  });
}
