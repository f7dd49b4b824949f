/**
 * The case dossier export (案件卷宗): one case's complete record as JSON or PDF, for administrative
 * review (行政复议) and disclosure requests. Who may read the case page may ask (api/cases.ts
 * `readableCase`: otherwise 404, the case's existence is not disclosed); staff over the case get the
 * full dossier, its parties (the institution of its own case, the recommender, …) a redacted one
 * (api/dossier/build.ts says what is left out), and those who read the case only through a task of
 * theirs (a drawn expert, an inspector) get 403. Every export is recorded in `dossierExports` (who,
 * which case, when, which form and view, the digest) before it is sent.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { dossierExports } from '../../store/dossierExports.js';
import { principalOf } from '../auth.js';
import { readableCase } from '../cases.js';
import type { ApiContext } from '../context.js';
import { buildDossier, DOSSIER_VERSION, dossierViewOf } from '../dossier/build.js';
import { renderDossierPdf } from '../dossier/pdf.js';
import { ApiError, ErrorSchema } from '../errors.js';

const Params = Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 200 }) });
const Query = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf')], { default: 'json', description: '`json` (default): the dossier document; `pdf`: the same, rendered (application/pdf, as an attachment)' })) },
  { additionalProperties: false },
);

/**
 * The JSON dossier, documented loosely: the sections' shapes are the `Dossier` type of
 * api/dossier/build.ts (dossierVersion 1). `digest.value` is the SHA-256 of the RFC 8785 canonical
 * JSON of the document without its `digest` field.
 */
const DossierSchema = Type.Object(
  {
    dossierVersion: Type.Literal(DOSSIER_VERSION),
    generatedAt: Type.String({ description: 'ISO instant' }),
    generatedBy: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), unit: Type.String() }),
    view: Type.Union([Type.Literal('full'), Type.Literal('redacted')], { description: '`full` for staff over the case; `redacted` for its parties (see `redactions`)' }),
    redactions: Type.Array(Type.Unknown(), { description: 'what this view withholds, by section, with the reason and count' }),
    case: Type.Unknown({ description: 'case id, type (zh/en), status, state, owner, institution, steps, times, the projection summary' }),
    timeline: Type.Array(Type.Unknown(), { description: 'every step (audit entry): seq, at, event, title, rule, actor {id,name,role,unit}, reason, from, to, payload, hash, prevHash' }),
    decisions: Type.Array(Type.Unknown(), { description: 'the commands accepted: who decided what, why, under which rule, with what resulting state' }),
    deadlines: Type.Array(Type.Unknown(), { description: 'every deadline set: name, rule, due, date, provisional, explanation {text, start, offset, skipped [{date, reason}]}, current, reachedAtSeq' }),
    tasks: Type.Array(Type.Unknown(), { description: 'inbox tasks with assignee, due date, claim and outcome' }),
    notifications: Type.Array(Type.Unknown(), { description: 'messages sent, with recipient and delivery status per channel (no addresses)' }),
    draws: Type.Array(Type.Unknown(), { description: 'random draws (R7.3 panels, R16 inspections): commitment, seed and proof (full view), verified now' }),
    objections: Type.Array(Type.Unknown(), { description: 'R7.4 objections (of the round, or against this application) and their handling' }),
    relatedCases: Type.Array(Type.Unknown(), { description: 'the round of an application, its listing, a listing\'s rectification orders, …' }),
    auditChain: Type.Object(
      { ok: Type.Boolean(), entries: Type.Integer(), expectedEntries: Type.Integer(), headSeq: Type.Union([Type.Integer(), Type.Null()]), headHash: Type.Union([Type.String(), Type.Null()]), firstBroken: Type.Unknown(), problems: Type.Array(Type.Unknown()), algorithm: Type.String() },
      { description: 'the case\'s whole audit chain, verified now (store/auditChain.ts verifyChain)' },
    ),
    digest: Type.Object({ algorithm: Type.Literal('SHA-256'), canonicalization: Type.String(), covers: Type.String(), value: Type.String() }),
  },
  { additionalProperties: true },
);

/** `dossier-<case id with anything but letters, digits, - _ . replaced by _>.pdf` */
export const dossierFileName = (caseId: string) => `dossier-${caseId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 150)}.pdf`;

export const dossierRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/cases/:caseId/dossier',
    {
      schema: {
        tags: ['cases'],
        summary: 'The case dossier (案件卷宗) for administrative review and disclosure: timeline, decisions, deadlines, tasks, notifications, draws, objections, audit verification; JSON or PDF',
        description:
          'Staff over the case get the full dossier; its parties (e.g. the institution, for its own case) a redacted one without the confidential panel steps, draw details, other units\' messages and objectors\' texts and contacts; a case outside one\'s reach is 404. Every export is recorded (dossierExports).',
        security: [{ bearer: [] }],
        params: Params,
        querystring: Query,
        response: {
          200: {
            description: 'The dossier: JSON (format=json), or a PDF attachment (format=pdf)',
            content: {
              'application/json': { schema: DossierSchema },
              'application/pdf': { schema: { type: 'string', format: 'binary' } },
            },
          },
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          503: ErrorSchema,
        } as never,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const doc = await readableCase(ctx, req.params.caseId, p);
      const view = dossierViewOf(p, doc);
      if (!view) throw new ApiError(403, 'Forbidden', 'the case dossier is for the staff over the case and its parties', { caseId: doc._id });
      const format = req.query.format ?? 'json';
      const dossier = await buildDossier(ctx.store, doc, p, { view });
      // Rendered before the export is recorded: a PDF that cannot be made is no export.
      const pdf = format === 'pdf' ? await renderDossierPdf(dossier) : undefined;
      const at = new Date();
      await dossierExports(ctx.store).insertOne({
        _id: `${doc._id}#${at.toISOString()}#${randomBytes(4).toString('hex')}`,
        caseId: doc._id,
        caseType: doc.caseType,
        format,
        by: { id: p.id, name: p.name, role: p.role, unit: p.unit },
        at,
        dossierVersion: dossier.dossierVersion,
        view,
        digest: dossier.digest.value,
        ip: req.ip,
      });
      req.log.info({ caseId: doc._id, principal: p.id, unit: p.unit, format, view, digest: dossier.digest.value }, 'case dossier exported');
      if (pdf) {
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `attachment; filename="${dossierFileName(doc._id)}"`)
          .header('cache-control', 'no-store')
          .send(pdf);
      }
      return reply.header('cache-control', 'no-store').send(dossier);
    },
  );
};
