/**
 * The public directory (R13, R5.1): listings by kind, occupation, province, institution name and
 * status, with validity dates and the institution's public contact details (R20.3), and the dated
 * change log. `asOf=YYYY-MM-DD` reconstructs the directory as it stood at the end of that day
 * (Asia/Shanghai) from the change log: each listing's latest change up to then. No account; no
 * personal data of staff or experts (units are named by their codes, never people).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Filter } from 'mongodb';
import { Type } from 'typebox';
import { KINDS } from '../../rules/kinds.js';
import { parseIsoDate } from '../../rules/calendar/dates.js';
import type { DirectoryChangeDoc, ListingDoc } from '../../store/documents.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';

const Listing = Type.Object({
  listingId: Type.String(),
  kind: Type.String(),
  institution: Type.Object({ id: Type.String(), name: Type.String(), province: Type.String() }),
  occupation: Type.Object({ code: Type.String(), name: Type.String() }),
  validFrom: Type.String(),
  validUntil: Type.String(),
  status: Type.String(),
  period: Type.Integer(),
  contact: Type.Optional(
    Type.Object({ address: Type.Optional(Type.String()), phone: Type.Optional(Type.String()), email: Type.Optional(Type.String()), website: Type.Optional(Type.String()) }),
  ),
});
type Entry = Omit<ListingDoc, 'caseId' | 'lastSeq' | 'updatedAt'>;
const view = (l: Entry) => ({
  listingId: l._id,
  kind: l.kind,
  institution: l.institution,
  occupation: l.occupation,
  validFrom: l.validFrom,
  validUntil: l.validUntil,
  status: l.status,
  period: l.period,
  ...(l.contact ? { contact: l.contact } : {}),
});
const DateParam = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, Asia/Shanghai' });
/** The last instant of a day in Asia/Shanghai (UTC+8, no daylight saving). */
const endOfShanghaiDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`));
/** The changes of one listing in the order they were made. */
/** The day `days` from `date` (to turn "from this day" into "after the end of the previous one"). */
const parseDay = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const seqOf = (d: DirectoryChangeDoc) => d.seq ?? Number(d._id.slice(d._id.lastIndexOf('#') + 1));
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CHANGES: DirectoryChangeDoc['change'][] = ['published', 'renewed', 'changed', 'lapsing', 'expired', 'removed', 'withdrawn'];

/** Columns the directory sorts by (the public pages' tables sort on the server), each with its store field. */
export const DIRECTORY_SORTS = {
  name: 'institution.name',
  occupation: 'occupation.code',
  province: 'institution.province',
  kind: 'kind',
  status: 'status',
  validFrom: 'validFrom',
  validUntil: 'validUntil',
} as const;
type DirectorySort = keyof typeof DIRECTORY_SORTS;
const SortParam = Type.Union((Object.keys(DIRECTORY_SORTS) as DirectorySort[]).map((k) => Type.Literal(k)), { default: 'name', description: 'the column to sort by' });
const OrderParam = Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' });

interface DirectoryQuery {
  kind?: string;
  occupation?: string;
  province?: string;
  name?: string;
  status?: string;
  sort: DirectorySort;
  order: 'asc' | 'desc';
  limit: number;
  skip: number;
}

/** The value of a sort column of an entry (the as-of directory is sorted in memory, like the store sorts the current one). */
const sortValue = (e: Entry, sort: DirectorySort): string => {
  switch (sort) {
    case 'name':
      return e.institution.name;
    case 'occupation':
      return e.occupation.code;
    case 'province':
      return e.institution.province;
    default:
      return e[sort];
  }
};
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const directoryRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  /**
   * R5.1: the directory at the end of `date`, rebuilt from the change log: the latest change of each
   * listing made by then. Kind, occupation and province never change, so they narrow the read; the
   * name (R20.3) and the status are matched on each listing's snapshot as of that day.
   */
  async function asOf(date: string, q: DirectoryQuery) {
    const filter: Filter<DirectoryChangeDoc> = { at: { $lte: endOfShanghaiDay(date) } };
    if (q.kind) filter['snapshot.kind'] = q.kind as DirectoryChangeDoc['snapshot']['kind'];
    if (q.occupation) filter['snapshot.occupation.code'] = q.occupation;
    if (q.province) filter['snapshot.institution.province'] = q.province;
    const latest = new Map<string, DirectoryChangeDoc>();
    for await (const d of ctx.store.directoryChanges.find(filter)) {
      const cur = latest.get(d.listingId);
      if (!cur || d.at > cur.at || (d.at.getTime() === cur.at.getTime() && seqOf(d) > seqOf(cur))) latest.set(d.listingId, d);
    }
    const dir = q.order === 'desc' ? -1 : 1;
    const all = [...latest.values()]
      .map((d): Entry => ({ ...d.snapshot, _id: d.listingId }))
      .filter((e) => (!q.status || e.status === q.status) && (!q.name || e.institution.name.includes(q.name)))
      .sort(
        (a, b) =>
          dir * compareStrings(sortValue(a, q.sort), sortValue(b, q.sort)) ||
          compareStrings(a.institution.name, b.institution.name) ||
          dir * compareStrings(a._id, b._id),
      );
    return { total: all.length, items: all.slice(q.skip, q.skip + q.limit).map(view) };
  }

  app.get(
    '/api/directory',
    {
      // Per address; DIRECTORY_RATE_LIMIT (config/env.ts) sets it.
      config: { rateLimit: { max: ctx.config.directoryRateLimit, timeWindow: '1 minute' } },
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
            asOf: Type.Optional(DateParam),
            sort: SortParam,
            order: OrderParam,
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ asOf: Type.Optional(Type.String()), total: Type.Integer({ description: 'listings matching the filters, all pages' }), items: Type.Array(Listing) }),
          400: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.asOf !== undefined) {
        try {
          parseIsoDate(q.asOf, 'asOf');
        } catch {
          throw new ApiError(400, 'InvalidInput', `asOf: ${q.asOf} is not a calendar date`, { fields: [{ field: '/asOf', message: 'not a calendar date' }] });
        }
        return { asOf: q.asOf, ...(await asOf(q.asOf, q)) };
      }
      const filter: Filter<ListingDoc> = {};
      if (q.kind) filter.kind = q.kind;
      if (q.occupation) filter['occupation.code'] = q.occupation;
      if (q.province) filter['institution.province'] = q.province;
      if (q.status) filter.status = q.status;
      if (q.name) filter['institution.name'] = { $regex: escapeRegex(q.name) };
      const dir = q.order === 'desc' ? -1 : 1;
      // The chosen column, then the name, then the id: a stable order, so pages neither repeat nor skip a listing.
      const sort: Record<string, 1 | -1> = { [DIRECTORY_SORTS[q.sort]]: dir };
      if (q.sort !== 'name') sort['institution.name'] = 1;
      sort._id = dir;
      const [docs, total] = await Promise.all([ctx.store.listings.find(filter).sort(sort).skip(q.skip).limit(q.limit).toArray(), ctx.store.listings.countDocuments(filter)]);
      return { total, items: docs.map(view) };
    },
  );

  app.get(
    '/api/directory/changes',
    {
      schema: {
        tags: ['public'],
        summary: 'Every change to the directory, newest first, each a dated public entry (R5.1)',
        querystring: Type.Object(
          {
            listingId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            change: Type.Optional(Type.Union(CHANGES.map((c) => Type.Literal(c)))),
            kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
            from: Type.Optional(DateParam),
            to: Type.Optional(DateParam),
            order: Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc', description: 'by the day of the change: newest first (desc) or oldest first' }),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer({ description: 'changes matching the filters, all pages' }),
            items: Type.Array(Type.Object({ listingId: Type.String(), at: Type.String(), change: Type.String(), rule: Type.String(), listing: Listing })),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      for (const [field, value] of [['from', q.from], ['to', q.to]] as const) {
        if (value === undefined) continue;
        try {
          parseIsoDate(value, field);
        } catch {
          throw new ApiError(400, 'InvalidInput', `${field}: ${value} is not a calendar date`, { fields: [{ field: `/${field}`, message: 'not a calendar date' }] });
        }
      }
      const filter: Filter<DirectoryChangeDoc> = {};
      if (q.listingId) filter.listingId = q.listingId;
      if (q.change) filter.change = q.change;
      if (q.kind) filter['snapshot.kind'] = q.kind;
      if (q.from || q.to) {
        filter.at = {
          ...(q.from ? { $gt: endOfShanghaiDay(parseDay(q.from, -1)) } : {}),
          ...(q.to ? { $lte: endOfShanghaiDay(q.to) } : {}),
        };
      }
      const dir = q.order === 'asc' ? 1 : -1;
      const [docs, total] = await Promise.all([
        ctx.store.directoryChanges.find(filter).sort({ at: dir, _id: dir }).skip(q.skip).limit(q.limit).toArray(),
        ctx.store.directoryChanges.countDocuments(filter),
      ]);
      return { total, items: docs.map((d) => ({ listingId: d.listingId, at: d.at.toISOString(), change: d.change, rule: d.rule, listing: view({ ...d.snapshot, _id: d.listingId }) })) };
    },
  );
};
