/**
 * The public directory (R13, R5.1): listings by kind, occupation, province, institution name and
 * status, with validity dates, and the dated change log. No account; no personal data of staff or experts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Filter } from 'mongodb';
import { Type } from 'typebox';
import { KINDS } from '../../rules/kinds.js';
import type { ListingDoc } from '../../store/documents.js';
import type { ApiContext } from '../context.js';
import { ErrorSchema } from '../errors.js';

const Listing = Type.Object({
  listingId: Type.String(),
  kind: Type.String(),
  institution: Type.Object({ id: Type.String(), name: Type.String(), province: Type.String() }),
  occupation: Type.Object({ code: Type.String(), name: Type.String() }),
  validFrom: Type.String(),
  validUntil: Type.String(),
  status: Type.String(),
  period: Type.Integer(),
});
const view = (l: Omit<ListingDoc, 'caseId' | 'lastSeq' | 'updatedAt'>) => ({ listingId: l._id, kind: l.kind, institution: l.institution, occupation: l.occupation, validFrom: l.validFrom, validUntil: l.validUntil, status: l.status, period: l.period });
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const directoryRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/directory',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'The directory of training and evaluation institutions (R13, R2.1)',
        querystring: Type.Object(
          {
            kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
            occupation: Type.Optional(Type.String({ pattern: '^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$' })),
            province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            status: Type.Optional(Type.Union(['valid', 'lapsing', 'expired', 'removed', 'withdrawn'].map((s) => Type.Literal(s)))),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Listing) }), 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const filter: Filter<ListingDoc> = {};
      if (q.kind) filter.kind = q.kind;
      if (q.occupation) filter['occupation.code'] = q.occupation;
      if (q.province) filter['institution.province'] = q.province;
      if (q.status) filter.status = q.status;
      if (q.name) filter['institution.name'] = { $regex: escapeRegex(q.name) };
      const docs = await ctx.store.listings.find(filter).sort({ 'institution.name': 1, _id: 1 }).skip(q.skip).limit(q.limit).toArray();
      return { items: docs.map(view) };
    },
  );

  app.get(
    '/api/directory/changes',
    {
      schema: {
        tags: ['public'],
        summary: 'Every change to the directory, newest first, each a dated public entry (R5.1)',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ listingId: Type.String(), at: Type.String(), change: Type.String(), rule: Type.String(), listing: Listing })) }) },
      },
    },
    async (req) => {
      const docs = await ctx.store.directoryChanges.find({}).sort({ at: -1, _id: 1 }).limit(req.query.limit).toArray();
      return { items: docs.map((d) => ({ listingId: d.listingId, at: d.at.toISOString(), change: d.change, rule: d.rule, listing: view({ ...d.snapshot, _id: d.listingId }) })) };
    },
  );
};
