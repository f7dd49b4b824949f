/** The HTTP API: Fastify with JSON-schema validation (TypeBox), OpenAPI at /openapi.json, one error shape. */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { requireAuth } from './auth.js';
import type { ApiContext } from './context.js';
import { frameworkError, installErrorHandler, rejectNonFiniteNumbers } from './errors.js';
import { calendarRoutes } from './routes/calendar.js';
import { caseRoutes } from './routes/cases.js';
import { contactRoutes } from './routes/contacts.js';
import { devRoutes } from './routes/dev.js';
import { directoryRoutes } from './routes/directory.js';
import { healthRoutes } from './routes/health.js';
import { inboxRoutes } from './routes/inbox.js';
import { publicSelectionRoutes, selectionRoutes } from './routes/selection.js';
import { rectificationRoutes } from './routes/rectifications.js';
import { inspectionRoutes, publicInspectionRoutes } from './routes/inspections.js';
import { conductReviewRoutes } from './routes/conductReviews.js';
import { incidentRoutes } from './routes/incidents.js';
import { conductRoutes, publicConductRoutes } from './routes/conduct.js';
import { selectionPlanRoutes } from './routes/selectionPlans.js';
import { registerWebConsole } from './static.js';

/** Request bodies above this are refused with 413: commands and plans are small. */
export const BODY_LIMIT = 256 * 1024;

export async function buildServer(ctx: ApiContext, logger?: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (logger ?? pino({ level: 'silent' })) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true }, plugins: [addFormats as never] },
    frameworkErrors: frameworkError as never,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  app.addHook('preHandler', async (req) => rejectNonFiniteNumbers(req));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'DTE directory service', description: 'Selection, validity and supervision of DTE training and evaluation institutions.', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });

  // Abuse limits apply where a route asks for them (public writes such as objections).
  await app.register(rateLimit, { global: false });

  // Public: health, OpenAPI, the calendar's read side, notices and objections, dev tokens (when on).
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(ctx));
  await app.register(calendarRoutes(ctx).public);
  await app.register(publicSelectionRoutes(ctx));
  await app.register(directoryRoutes(ctx));
  await app.register(publicInspectionRoutes(ctx));
  await app.register(publicConductRoutes(ctx));
  if (ctx.config.devTokens) await app.register(devRoutes(ctx));

  // Everything else needs a token.
  await app.register(async (authed) => {
    authed.addHook('preHandler', requireAuth(ctx.tokens));
    await authed.register(calendarRoutes(ctx).admin);
    await authed.register(caseRoutes(ctx));
    await authed.register(selectionPlanRoutes(ctx));
    await authed.register(selectionRoutes(ctx));
    await authed.register(inboxRoutes(ctx));
    await authed.register(contactRoutes(ctx));
    await authed.register(rectificationRoutes(ctx));
    await authed.register(inspectionRoutes(ctx));
    await authed.register(conductReviewRoutes(ctx));
    await authed.register(incidentRoutes(ctx));
    await authed.register(conductRoutes(ctx));
  });

  // The browser console (web/), when built.
  await registerWebConsole(app);
  return app;
}
