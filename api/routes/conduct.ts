/**
 * Prohibited conduct (R17–R19) through the API.
 *
 * Public, no account (rate-limited): the R19 certificate-wording check and the R17(e) / R18(e)
 * advertising check, so that anyone can test a text before it is printed or published.
 *
 * Authenticated:
 * - R19 certificate templates: an institution registers its templates; every registration is checked
 *   and stored as a new version. The institution reads its own; staff of the national group or of the
 *   institution's province read them.
 * - R17(a) training sites: an institution (or an officer of the national group or of its province)
 *   registers its sites; sites outside its province are flagged.
 * - R18(g) relations: officers of the national group or of a province register and remove the
 *   relations (subsidiary, branch, technical support unit) between institutions; a registration
 *   answers with the conflicts it brings to light (an evaluation and a training listing for one
 *   occupation held by related institutions).
 *
 * The jurisdiction of a province is read from the directory: an institution belongs to the province
 * its listings name (`institution.province`); an institution without a listing is national staff's.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Principal, Role } from '../../rules/actors.js';
import {
  ADVERTISING_CATEGORIES,
  ConductInputError,
  FORBIDDEN_CERTIFICATE_WORDS,
  RELATION_TYPES,
  checkAdvertising,
  checkCertificateWording,
  crossProvinceSites,
  sitePolicy,
  type CertificateWordingCheck,
  type SameOccupationConflict,
} from '../../rules/conduct/index.js';
import { KINDS } from '../../rules/kinds.js';
import type { CertificateTemplateDoc, RelationDoc, TrainingSitesDoc } from '../../store/documents.js';
import { principalOf } from '../auth.js';
import { conflictsInvolving } from '../conduct/conflicts.js';
import { openConflictReviews } from './conductReviews.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { PrincipalSchema } from '../schemas.js';

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/** Institution ids as units name them (`institution:<id>`); no `~`, which joins the ids of relations. */
const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const InstitutionId = Type.String({ pattern: ID_PATTERN, description: 'an institution id, e.g. i001 (its unit is institution:i001)' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const ProvinceCode = Type.String({ pattern: sitePolicy.provinceCodePattern, description: 'GB/T 2260 two-digit province code, e.g. 44 (Guangdong)' });
const MAX_TEXT = 20000;
const Images = Type.Array(Type.Object({ name: Text(200) }, { additionalProperties: false }), {
  maxItems: 20,
  description: 'the images printed on the certificate (names only): each is checked by a person for emblems (R19)',
});

const CertificateHitSchema = Type.Object({
  word: Type.String({ description: `one of ${FORBIDDEN_CERTIFICATE_WORDS.join('、')}` }),
  rule: Type.Literal('R19'),
  start: Type.Integer({ description: 'UTF-16 index into the text (inclusive)' }),
  end: Type.Integer({ description: 'UTF-16 index into the text (exclusive)' }),
  matched: Type.String({ description: 'the text as written between start and end' }),
});
const WordingCheckSchema = Type.Object({
  hits: Type.Array(CertificateHitSchema),
  manualChecks: Type.Array(Type.Object({ image: Type.String(), reason: Type.String() })),
});
const AdvertisingHitSchema = Type.Object({
  phrase: Type.String({ description: 'the promise in its canonical wording, e.g. 不过退费' }),
  category: Type.Enum(ADVERTISING_CATEGORIES),
  clause: Type.Union([Type.Literal('R17(e)'), Type.Literal('R18(e)')], { description: 'R17(e) for a training institution, R18(e) for an evaluation institution' }),
  start: Type.Integer(),
  end: Type.Integer(),
  matched: Type.String(),
});

const TEMPLATE_STATUSES = ['accepted', 'needsCorrection', 'needsManualCheck'] as const;
const TemplateSchema = Type.Object({
  templateId: Type.String(),
  institutionId: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  text: Type.String(),
  images: Type.Array(Type.Object({ name: Type.String() })),
  check: WordingCheckSchema,
  status: Type.Enum(TEMPLATE_STATUSES, {
    description: 'needsCorrection: the text uses a forbidden word; needsManualCheck: only the images remain to be checked; accepted: neither',
  }),
  version: Type.Integer({ minimum: 1 }),
  registeredBy: PrincipalSchema,
  registeredAt: Type.String(),
});

const SiteSchema = Type.Object({ id: Text(200), province: ProvinceCode, address: Text(1000) }, { additionalProperties: false });
const TrainingSitesSchema = Type.Object({
  institutionId: Type.String(),
  province: Type.String(),
  sites: Type.Array(Type.Object({ id: Type.String(), province: Type.String(), address: Type.String() })),
  flags: Type.Array(Type.Object({ siteId: Type.String(), rule: Type.String(), message: Type.String() }), { description: 'R17(a): each site outside the institution\'s province' }),
  updatedBy: PrincipalSchema,
  updatedAt: Type.String(),
});

const RelationTypeSchema = Type.Enum(RELATION_TYPES, {
  description: 'subsidiary (下属), branch (分支机构), technicalSupport (技术支持单位): `to` is one of `from` (R18(g))',
});
const RelationSchema = Type.Object({
  id: Type.String({ description: '<from>~<to>~<type>' }),
  from: Type.String(),
  to: Type.String(),
  type: Type.String(),
  registeredBy: PrincipalSchema,
  registeredAt: Type.String(),
});
const ConflictSchema = Type.Object({
  occupationCode: Type.String(),
  evaluation: Type.String({ description: 'the evaluation listing' }),
  training: Type.String({ description: 'the training listing' }),
  path: Type.Array(Type.String(), { description: 'from the evaluation listing\'s holder to the training listing\'s' }),
  via: Type.Array(Type.String()),
  rule: Type.Literal('R18(g)'),
});
const RelationIdParam = Type.String({ pattern: `^[A-Za-z0-9_-]{1,64}~[A-Za-z0-9_-]{1,64}~(${RELATION_TYPES.join('|')})$`, description: '<from>~<to>~<type>' });

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

// ---------------------------------------------------------------------------------------------
// Views and helpers
// ---------------------------------------------------------------------------------------------

const templateView = (t: CertificateTemplateDoc) => ({
  templateId: t.templateId,
  institutionId: t.institutionId,
  kind: t.kind,
  title: t.title,
  text: t.text,
  images: t.images,
  check: t.check as CertificateWordingCheck,
  status: t.status,
  version: t.version,
  registeredBy: t.registeredBy,
  registeredAt: t.registeredAt.toISOString(),
});
const sitesView = (s: TrainingSitesDoc) => ({
  institutionId: s._id,
  province: s.province,
  sites: s.sites,
  flags: s.flags,
  updatedBy: s.updatedBy,
  updatedAt: s.updatedAt.toISOString(),
});
const relationView = (r: RelationDoc) => ({ id: r._id, from: r.from, to: r.to, type: r.type, registeredBy: r.registeredBy, registeredAt: r.registeredAt.toISOString() });
const conflictView = (c: SameOccupationConflict) => ({ ...c, path: [...c.path], via: [...c.via] });
const principalRecord = (p: Principal): Principal => ({ id: p.id, name: p.name, role: p.role, unit: p.unit });

const forbidden = (rule: string, message: string) => new ApiError(403, 'Forbidden', `${rule}: ${message}`, { rule });
const invalid = (field: string, message: string, rule?: string) =>
  new ApiError(400, 'InvalidInput', `${field}: ${message}`, { ...(rule ? { rule } : {}), fields: [{ field, message, ...(rule ? { rule } : {}) }] });

/** Runs a pure conduct check, turning its input errors into a 400 naming the field. */
function conductInput<T>(run: () => T, rename: Record<string, string> = {}): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ConductInputError) throw invalid(rename[e.field] ?? e.field, e.message);
    throw e;
  }
}

/** The institution a principal acts for: `i001` for `institution:i001` in the role institution. */
function ownInstitution(p: Principal): string | undefined {
  return p.role === 'institution' && p.unit.startsWith('institution:') ? p.unit.slice('institution:'.length) : undefined;
}

/** The province the directory registers an institution in (its latest listing), if it has any listing. */
async function registeredProvince(ctx: ApiContext, institutionId: string): Promise<string | undefined> {
  const listing = await ctx.store.listings.findOne({ 'institution.id': institutionId }, { sort: { updatedAt: -1 }, projection: { institution: 1 } });
  return listing?.institution.province;
}

/** Staff of the national group, or of the institution's province (when the directory knows it), in one of `roles`. */
function isStaffOf(p: Principal, roles: readonly Role[], province: string | undefined): boolean {
  if (!roles.includes(p.role)) return false;
  return p.unit === 'national' || (province !== undefined && p.unit === `province:${province}`);
}

const STAFF_READ: readonly Role[] = ['officer', 'leader'];
const STAFF_WRITE: readonly Role[] = ['officer'];

/**
 * Who may act on an institution's own records (templates R19, sites R17(a)): the institution itself,
 * or staff of the national group or of its province. Another institution is refused naming `rule`.
 */
async function authoriseForInstitution(ctx: ApiContext, p: Principal, institutionId: string, roles: readonly Role[], rule: string): Promise<{ province: string | undefined }> {
  const own = ownInstitution(p);
  const province = await registeredProvince(ctx, institutionId);
  if (own !== undefined) {
    if (own !== institutionId) throw forbidden(rule, `institution ${own} cannot act for institution ${institutionId}`);
    return { province };
  }
  if (!isStaffOf(p, roles, province)) {
    const where = province === undefined ? 'the national group (the institution has no listing in the directory)' : `the national group or province:${province}`;
    throw forbidden(rule, `this needs the role ${roles.join(' or ')} of ${where}, or the institution itself`);
  }
  return { province };
}

/** R18(g): officers of the national group, or of a province where `from` or `to` is listed. */
async function authoriseRelation(ctx: ApiContext, p: Principal, institutionIds: readonly string[]): Promise<void> {
  if (p.role !== 'officer' || !(p.unit === 'national' || p.unit.startsWith('province:'))) {
    throw forbidden('R18(g)', 'relations between institutions are registered by an officer of the national group or of a province');
  }
  if (p.unit === 'national') return;
  const province = p.unit.slice('province:'.length);
  const listed = await ctx.store.listings.findOne({ 'institution.id': { $in: [...institutionIds] }, 'institution.province': province }, { projection: { _id: 1 } });
  if (!listed) throw forbidden('R18(g)', `neither ${institutionIds.join(' nor ')} is listed in province ${province}: the national group registers this relation`);
}

/** The institutions listed in a province (their ids). */
async function institutionsOfProvince(ctx: ApiContext, province: string): Promise<string[]> {
  const docs = await ctx.store.listings.find({ 'institution.province': province }, { projection: { institution: 1 } }).toArray();
  return [...new Set(docs.map((d) => d.institution.id))];
}

// ---------------------------------------------------------------------------------------------
// Public checks
// ---------------------------------------------------------------------------------------------

export const publicConductRoutes = (_ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/public/checks/certificate-wording',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'Check a certificate\'s wording for the words R19 forbids (中华人民共和国, 中国, 国家, 职业资格…)',
        description:
          'The text is searched after normalisation (full-width forms, spaces and separators between characters, traditional characters), ' +
          'without word segmentation: 国 家 and 中華人民共和國 are hits, 国际 is not. Each image yields a manual check for emblems and government logos.',
        body: Type.Object({ text: Type.String({ maxLength: MAX_TEXT }), images: Type.Optional(Images) }, { additionalProperties: false }),
        response: { 200: WordingCheckSchema, 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req) => checkCertificateWording(req.body.text, req.body.images ?? []),
  );

  app.post(
    '/api/public/checks/advertising',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'Check advertising for the promises R17(e) / R18(e) forbid (包过, 不过退费, 包职称, 包就业, 包年薪, 培训贷…)',
        description: 'Each hit names the clause it breaks for the kind of institution: R17(e) for training, R18(e) (false advertising) for evaluation. Hits are flags for a reviewer.',
        body: Type.Object({ text: Type.String({ maxLength: MAX_TEXT }), kind: Type.Enum(KINDS) }, { additionalProperties: false }),
        response: { 200: Type.Object({ kind: Type.String(), hits: Type.Array(AdvertisingHitSchema) }), 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req) => ({ kind: req.body.kind, hits: conductInput(() => checkAdvertising(req.body.text, req.body.kind), { kind: '/kind' }) }),
  );
};

// ---------------------------------------------------------------------------------------------
// Authenticated routes
// ---------------------------------------------------------------------------------------------

export const conductRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  // --- R19 certificate templates ---------------------------------------------------------------

  app.put(
    '/api/certificate-templates/:templateId',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Register a certificate template (R19): checked for forbidden wording, stored as a new version',
        description:
          'The calling institution\'s template `templateId` (its own; the institution is the token\'s). Every registration runs the R19 check and ' +
          'stores a new version: needsCorrection when the text uses a forbidden word, needsManualCheck when only images remain to be checked for emblems, else accepted. ' +
          '201 for the first version, 200 for later ones.',
        security: [{ bearer: [] }],
        params: Type.Object({ templateId: Type.String({ pattern: ID_PATTERN }) }),
        body: Type.Object(
          { kind: Type.Enum(KINDS), title: Text(200), text: Text(MAX_TEXT), images: Type.Optional(Images) },
          { additionalProperties: false },
        ),
        response: { 200: TemplateSchema, 201: TemplateSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const institutionId = ownInstitution(p);
      if (institutionId === undefined) throw forbidden('R19', 'an institution registers its own certificate templates (role institution)');
      const { templateId } = req.params;
      const { kind, title, text } = req.body;
      const images = (req.body.images ?? []).map(({ name }) => ({ name }));
      const check = checkCertificateWording(text, images);
      const status: CertificateTemplateDoc['status'] = check.hits.length > 0 ? 'needsCorrection' : check.manualChecks.length > 0 ? 'needsManualCheck' : 'accepted';
      const doc = await ctx.store.certificateTemplates.findOneAndUpdate(
        { _id: `${institutionId}~${templateId}` },
        {
          $set: { institutionId, templateId, kind, title, text, images, check, status, registeredBy: principalRecord(p), registeredAt: new Date() },
          $inc: { version: 1 },
        },
        { upsert: true, returnDocument: 'after' },
      );
      if (!doc) throw new Error(`internal: template ${institutionId}~${templateId} not stored`);
      req.log.info({ institutionId, templateId, version: doc.version, status, hits: check.hits.length }, 'certificate template registered');
      return reply.status(doc.version === 1 ? 201 : 200).send(templateView(doc));
    },
  );

  app.get(
    '/api/certificate-templates',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Certificate templates (R19): an institution\'s own; staff of the national group or the institution\'s province give institutionId',
        security: [{ bearer: [] }],
        querystring: Type.Object({ institutionId: Type.Optional(InstitutionId) }, { additionalProperties: false }),
        response: { 200: Type.Object({ institutionId: Type.String(), items: Type.Array(TemplateSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const institutionId = req.query.institutionId ?? ownInstitution(p);
      if (institutionId === undefined) {
        if (!STAFF_READ.includes(p.role)) throw forbidden('R19', 'certificate templates are read by the institution itself or by staff of the national group or its province');
        throw invalid('/institutionId', 'staff name the institution whose templates they read');
      }
      await authoriseForInstitution(ctx, p, institutionId, STAFF_READ, 'R19');
      const docs = await ctx.store.certificateTemplates.find({ institutionId }).sort({ templateId: 1 }).toArray();
      return { institutionId, items: docs.map(templateView) };
    },
  );

  // --- R17(a) training sites ----------------------------------------------------------------------

  const SitesParams = Type.Object({ institutionId: InstitutionId });

  app.put(
    '/api/institutions/:institutionId/training-sites',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Register an institution\'s training sites (R17(a)): sites outside its province are flagged',
        description:
          'By the institution itself or an officer of the national group or of its province. `province` is the institution\'s registered province ' +
          '(the directory\'s, when it lists the institution). Replaces the previous list.',
        security: [{ bearer: [] }],
        params: SitesParams,
        body: Type.Object({ province: ProvinceCode, sites: Type.Array(SiteSchema, { maxItems: 500 }) }, { additionalProperties: false }),
        response: { 200: TrainingSitesSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { institutionId } = req.params;
      const { province: registered } = await authoriseForInstitution(ctx, p, institutionId, STAFF_WRITE, 'R17(a)');
      const { province, sites } = req.body;
      if (registered !== undefined && registered !== province) {
        throw invalid('/province', `institution ${institutionId} is registered in province ${registered}, not ${province}`, 'R17(a)');
      }
      const seen = new Set<string>();
      sites.forEach((site, i) => {
        if (seen.has(site.id)) throw invalid(`/sites/${i}/id`, `site ${site.id} is given twice`);
        seen.add(site.id);
      });
      const flagged = conductInput(() => crossProvinceSites({ province }, sites), { '/institution/province': '/province' });
      const doc: TrainingSitesDoc = {
        _id: institutionId,
        province,
        sites: sites.map(({ id, province: siteProvince, address }) => ({ id, province: siteProvince, address })),
        flags: flagged.map((s) => ({
          siteId: s.id,
          rule: s.rule,
          message: `site ${s.id} is in province ${s.province}, outside the institution's province ${s.institutionProvince}: R17(a) forbids training across provinces under the name of cooperation, a joint programme or an alliance`,
        })),
        updatedBy: principalRecord(p),
        updatedAt: new Date(),
      };
      const { _id, ...fields } = doc;
      await ctx.store.trainingSites.replaceOne({ _id }, fields, { upsert: true });
      req.log.info({ institutionId, sites: sites.length, flags: doc.flags.length, by: p.id }, 'training sites registered');
      return sitesView(doc);
    },
  );

  app.get(
    '/api/institutions/:institutionId/training-sites',
    {
      schema: {
        tags: ['conduct'],
        summary: 'An institution\'s training sites with their R17(a) flags (the institution itself, or staff of the national group or its province)',
        security: [{ bearer: [] }],
        params: SitesParams,
        response: { 200: TrainingSitesSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { institutionId } = req.params;
      await authoriseForInstitution(ctx, p, institutionId, STAFF_READ, 'R17(a)');
      const doc = await ctx.store.trainingSites.findOne({ _id: institutionId });
      if (!doc) throw new ApiError(404, 'NotFound', `institution ${institutionId} has registered no training sites`);
      return sitesView(doc);
    },
  );

  // --- R18(g) relations ---------------------------------------------------------------------------

  app.put(
    '/api/relations',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Register a relation between institutions (R18(g)); answers with the conflicts involving them',
        description:
          '`to` is a subsidiary, branch or technical support unit of `from`. Idempotent: the relation\'s id is <from>~<to>~<type> (201 when new, 200 when already registered). ' +
          '`conflicts` are the current R18(g) conflicts whose chain of institutions passes through `from` or `to`: an evaluation and a training listing in force for one occupation held by related institutions. ' +
          'By an officer of the national group, or of a province where `from` or `to` is listed.',
        security: [{ bearer: [] }],
        body: Type.Object({ from: InstitutionId, to: InstitutionId, type: RelationTypeSchema }, { additionalProperties: false }),
        response: {
          200: Type.Object({ relation: RelationSchema, created: Type.Boolean(), conflicts: Type.Array(ConflictSchema) }),
          201: Type.Object({ relation: RelationSchema, created: Type.Boolean(), conflicts: Type.Array(ConflictSchema) }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { from, to, type } = req.body;
      await authoriseRelation(ctx, p, [from, to]);
      if (from === to) throw invalid('/to', 'an institution is not related to itself', 'R18(g)');
      const _id = `${from}~${to}~${type}`;
      const result = await ctx.store.relations.updateOne(
        { _id },
        { $setOnInsert: { from, to, type, registeredBy: principalRecord(p), registeredAt: new Date() } },
        { upsert: true },
      );
      const doc = await ctx.store.relations.findOne({ _id });
      if (!doc) throw new Error(`internal: relation ${_id} not stored`);
      const created = result.upsertedCount > 0;
      const conflicts = await conflictsInvolving(ctx.store, [from, to]);
      // R18(g) Decision: the directory detects the conflict; each new one opens its review at once (idempotent by the pair).
      const opened = await openConflictReviews(ctx, conflicts, p);
      req.log.info({ relation: _id, created, conflicts: conflicts.length, reviewsOpened: opened.length, by: p.id }, 'relation registered');
      return reply.status(created ? 201 : 200).send({ relation: relationView(doc), created, conflicts: conflicts.map(conflictView) });
    },
  );

  app.delete(
    '/api/relations/:id',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Remove a registered relation (R18(g)); answers with the conflicts that remain involving its institutions',
        security: [{ bearer: [] }],
        params: Type.Object({ id: RelationIdParam }),
        response: { 200: Type.Object({ relation: RelationSchema, conflicts: Type.Array(ConflictSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const doc = await ctx.store.relations.findOne({ _id: req.params.id });
      if (!doc) throw new ApiError(404, 'NotFound', `no relation ${req.params.id}`);
      await authoriseRelation(ctx, p, [doc.from, doc.to]);
      await ctx.store.relations.deleteOne({ _id: doc._id });
      const conflicts = await conflictsInvolving(ctx.store, [doc.from, doc.to]);
      req.log.info({ relation: doc._id, by: p.id }, 'relation removed');
      return { relation: relationView(doc), conflicts: conflicts.map(conflictView) };
    },
  );

  app.get(
    '/api/relations',
    {
      schema: {
        tags: ['conduct'],
        summary: 'Registered relations between institutions (R18(g))',
        description:
          'With institutionId: the relations from or to it. National staff read all; provincial staff those of the institutions listed in their province; ' +
          'an institution its own.',
        security: [{ bearer: [] }],
        querystring: Type.Object({ institutionId: Type.Optional(InstitutionId) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(RelationSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const own = ownInstitution(p);
      let ids: string[] | undefined;
      const asked = req.query.institutionId;
      if (own !== undefined) {
        if (asked !== undefined && asked !== own) throw forbidden('R18(g)', `institution ${own} cannot read the relations of institution ${asked}`);
        ids = [own];
      } else if (STAFF_READ.includes(p.role) && p.unit === 'national') {
        ids = asked === undefined ? undefined : [asked];
      } else if (STAFF_READ.includes(p.role) && p.unit.startsWith('province:')) {
        const province = p.unit.slice('province:'.length);
        const mine = await institutionsOfProvince(ctx, province);
        if (asked !== undefined && !mine.includes(asked)) throw forbidden('R18(g)', `institution ${asked} is not listed in province ${province}`);
        ids = asked === undefined ? mine : [asked];
      } else {
        throw forbidden('R18(g)', 'relations are read by staff of the national group or a province, or by the institution itself');
      }
      const filter = ids === undefined ? {} : { $or: [{ from: { $in: ids } }, { to: { $in: ids } }] };
      const docs = await ctx.store.relations.find(filter).sort({ _id: 1 }).toArray();
      return { items: docs.map(relationView) };
    },
  );
};
