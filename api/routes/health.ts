/** GET /healthz: is the service able to work? Reports Temporal and store reachability. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../context.js';

const Check = Type.Object({ ok: Type.Boolean(), latencyMs: Type.Number(), error: Type.Optional(Type.String()) });

async function probe(fn: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 3 s')), 3000).unref())]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (e) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (e as Error).message };
  }
}

export const healthRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Reachability of Temporal and the store',
        response: { 200: Type.Object({ status: Type.Literal('ok'), temporal: Check, store: Check }), 503: Type.Object({ status: Type.Literal('degraded'), temporal: Check, store: Check }) },
      },
    },
    async (_req, reply) => {
      const [temporal, store] = await Promise.all([
        probe(() => ctx.temporal.workflowService.getSystemInfo({})),
        probe(() => ctx.store.db.command({ ping: 1 })),
      ]);
      if (temporal.ok && store.ok) return reply.status(200).send({ status: 'ok' as const, temporal, store });
      return reply.status(503).send({ status: 'degraded' as const, temporal, store });
    },
  );
};
