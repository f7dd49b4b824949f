/**
 * One POST route per command of a case type, generated from its case definition, so every command has
 * its payload schema in /openapi.json: `POST <prefix>/:caseId/<kebab-command>`. The case validates it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { TSchema } from 'typebox';
import { principalOf } from './auth.js';
import { commandResultFor, readableCase, sendCommand } from './cases.js';
import type { ApiContext } from './context.js';
import { ErrorSchema } from './errors.js';
import { CommandResultSchema } from './schemas.js';

export const kebab = (s: string) => s.toLowerCase().replace(/_/g, '-');
export const commandErrors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const commandRoutes =
  (
    ctx: ApiContext,
    prefix: string,
    definition: { caseType: string; commands: Record<string, { title: string; rule: string; payload: TSchema; public?: boolean }> },
    tag: string,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    for (const [type, spec] of Object.entries(definition.commands)) {
      if (spec.public) continue; // public commands have their own unauthenticated endpoints
      app.post(
        `${prefix}/:caseId/${kebab(type)}`,
        {
          schema: {
            tags: [tag],
            summary: `${spec.title} (${spec.rule})`,
            security: [{ bearer: [] }],
            params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 300 }) }),
            body: spec.payload,
            response: { 200: CommandResultSchema, ...commandErrors },
          },
        },
        async (req) => {
          const p = principalOf(req);
          const doc = await readableCase(ctx, req.params.caseId, p, definition.caseType);
          return commandResultFor(await sendCommand(ctx, req.params.caseId, type, req.body as Record<string, unknown>, p), doc.owner, p);
        },
      );
    }
  };
