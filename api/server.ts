/** The HTTP API: Fastify with JSON-schema validation (TypeBox), OpenAPI at /openapi.json, one error shape. */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { ApiContext } from './context.js';
import { frameworkError, installErrorHandler, rejectNonFiniteNumbers } from './errors.js';
import { installSecurity, type SecurityOptions } from './identity/install.js';
import { calendarRoutes } from './routes/calendar.js';
import { caseRoutes } from './routes/cases.js';
import { contactRoutes } from './routes/contacts.js';
import { dossierRoutes } from './routes/dossier.js';
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
import { consoleRoutes } from './routes/console.js';
import { participantRoutes } from './routes/participants.js';
import { selectionPlanRoutes } from './routes/selectionPlans.js';
import { registerWebConsole } from './static.js';

/** Request bodies above this are refused with 413: commands and plans are small. */
export const BODY_LIMIT = 256 * 1024;

/** `options.now`: the clock of sessions, lockouts and one-time codes (tests move it). */
export async function buildServer(ctx: ApiContext, logger?: Logger, options: SecurityOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (logger ?? pino({ level: 'silent' })) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // The client's address behind a reverse proxy (rate limits, the security event log): TRUST_PROXY.
    trustProxy: ctx.config.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true }, plugins: [addFormats as never] },
    frameworkErrors: frameworkError as never,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  // Cookies, security headers (CSP, HSTS in production), the security event log of every 401/403/423.
  const security = await installSecurity(app, ctx, options);
  app.addHook('preHandler', async (req) => rejectNonFiniteNumbers(req));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'DTE directory service', description: 'Selection, validity and supervision of DTE training and evaluation institutions.', version: '0.1.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: { type: 'apiKey', in: 'cookie', name: 'dte_session', description: 'browser session (POST /api/auth/login); unsafe methods also need the x-csrf-token header' },
        },
      },
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
  // Sign-in, session and sign-out of the browser console (issue 6).
  await app.register(security.publicRoutes);

  // Everything else needs a token or a browser session (with its CSRF token on unsafe methods).
  await app.register(async (authed) => {
    // Before the body is parsed or validated: no credentials is a 401 whatever the body.
    authed.addHook('onRequest', security.authenticate);
    await authed.register(security.authedRoutes);
    await authed.register(calendarRoutes(ctx).admin);
    await authed.register(caseRoutes(ctx));
    await authed.register(dossierRoutes(ctx));
    await authed.register(selectionPlanRoutes(ctx));
    await authed.register(selectionRoutes(ctx));
    await authed.register(inboxRoutes(ctx));
    await authed.register(contactRoutes(ctx));
    await authed.register(rectificationRoutes(ctx));
    await authed.register(inspectionRoutes(ctx));
    await authed.register(conductReviewRoutes(ctx));
    await authed.register(incidentRoutes(ctx));
    await authed.register(conductRoutes(ctx));
    await authed.register(consoleRoutes(ctx));
    await authed.register(participantRoutes(ctx));
  });

  // The browser console (web/), when built.
  await registerWebConsole(app);
  return app;
}
