/**
 * Where a unit receives its notifications (activities/delivery.ts): e-mail addresses and a webhook.
 * A unit keeps its own contact (any principal of that unit); the national admin keeps everyone's.
 * Nobody else reads or writes it: the addresses are personal data of the unit.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { UNIT_PATTERN, type Principal, type Unit } from '../../rules/actors.js';
import type { ContactDoc } from '../../store/documents.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { PrincipalSchema } from '../schemas.js';

const UnitParams = Type.Object({ unit: Type.String({ pattern: UNIT_PATTERN, description: 'e.g. national, province:44, institution:inst-001' }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const ContactSchema = Type.Object({
  unit: Type.String(),
  email: Type.Array(Type.String()),
  webhook: Type.Union([Type.Object({ url: Type.String() }), Type.Null()]),
  updatedAt: Type.String(),
  updatedBy: PrincipalSchema,
});

function contactView(c: ContactDoc) {
  return { unit: c._id, email: c.email ?? [], webhook: c.webhook ? { url: c.webhook.url } : null, updatedAt: c.updatedAt.toISOString(), updatedBy: c.updatedBy };
}

/** The national admin, or anyone of the unit itself. */
function mayKeep(p: Principal, unit: Unit): boolean {
  if (unit === 'public') return false;
  return (p.role === 'admin' && p.unit === 'national') || p.unit === unit;
}

function authorise(p: Principal, unit: Unit): void {
  if (!mayKeep(p, unit)) throw new ApiError(403, 'Forbidden', unit === 'public' ? 'the public has no contact' : `only ${unit} itself or the national admin keeps its contact`);
}

export const contactRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/contacts/:unit',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Where a unit receives notifications (the unit itself or the national admin)',
        security: [{ bearer: [] }],
        params: UnitParams,
        response: { 200: ContactSchema, ...errors },
      },
    },
    async (req) => {
      const unit = req.params.unit as Unit;
      authorise(principalOf(req), unit);
      const c = await ctx.store.contacts.findOne({ _id: unit });
      if (!c) throw new ApiError(404, 'NotFound', `no contact for ${unit}`);
      return contactView(c);
    },
  );

  app.put(
    '/api/contacts/:unit',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Set where a unit receives notifications: e-mail addresses and/or a webhook (replaces the previous contact)',
        security: [{ bearer: [] }],
        params: UnitParams,
        body: Type.Object(
          {
            email: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 10, uniqueItems: true })),
            webhook: Type.Optional(
              Type.Object(
                { url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'receives POST JSON with Idempotency-Key and, when configured, X-DTE-Signature' }) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ContactSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const unit = req.params.unit as Unit;
      authorise(p, unit);
      const { email, webhook } = req.body;
      // Production webhooks must be TLS: a bearer of secrets (signature, case content) does not travel in clear.
      if (webhook && ctx.config.production && !webhook.url.startsWith('https://')) {
        throw new ApiError(400, 'InvalidInput', 'the webhook must be an https:// URL', { fields: [{ field: '/webhook/url', message: 'must start with https://' }] });
      }
      const doc: ContactDoc = {
        _id: unit,
        ...(email ? { email } : {}),
        ...(webhook ? { webhook: { url: webhook.url } } : {}),
        updatedAt: new Date(),
        updatedBy: { id: p.id, name: p.name, role: p.role, unit: p.unit },
      };
      const { _id, ...fields } = doc;
      await ctx.store.contacts.replaceOne({ _id }, fields, { upsert: true });
      req.log.info({ unit, by: p.id, email: email?.length ?? 0, webhook: Boolean(webhook) }, 'contact updated');
      return contactView(doc);
    },
  );
};
