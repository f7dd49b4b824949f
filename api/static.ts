/**
 * Serves the browser console built by Vite (web/dist) from the API server, so one process and one
 * origin carry both (the session cookie is SameSite=Strict). Unknown non-API GETs get index.html (the
 * not-found handler in errors.ts) and the client-side router takes over; unknown /api paths keep the API's 404.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

export async function registerWebConsole(app: FastifyInstance, dist = WEB_DIST): Promise<boolean> {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    app.log.warn({ dist }, 'web console not built (npm run web:build): serving the API only');
    return false;
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    // One route per built file, listed at start: a deploy restarts the API. (A catch-all wildcard route
    // would also swallow API paths the router refuses, e.g. a 414 for an over-long parameter.)
    wildcard: false,
    index: ['index.html'],
    // Hashed assets are immutable; index.html must always be revalidated so a deploy takes effect.
    setHeaders(res, file) {
      res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return true;
}
