/**
 * Local accounts, for the platform admin: list, create (a one-time password and a TOTP enrolment URI,
 * shown once), unlock. `npm run accounts` does the same and more from a shell (scripts/accounts.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { UNIT_PATTERN } from '../../rules/actors.js';
import { requireRole } from '../auth.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ROLES, createAccount, listAccounts, unlockAccount } from '../identity/accounts.js';
import { createSecretBox } from '../identity/secretBox.js';

const AccountSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  unit: Type.String(),
  passwordSignIn: Type.Boolean(),
  passwordChangeRequired: Type.Boolean(),
  totpEnrolled: Type.Boolean(),
  oidcSubject: Type.Union([Type.String(), Type.Null()]),
  failedAttempts: Type.Integer(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});
/**
 * Issue 6 (access control, function level): accounts are the platform admin's — the admin of the
 * national group. An admin account of a province, locality or industry department (which
 * api/identity/accounts.ts allows) may not list, create or unlock accounts: it could otherwise create
 * itself an officer or admin of the national group, or unlock anyone's account.
 */
function platformAdmin(req: FastifyRequest) {
  const p = requireRole(req, ['admin']);
  if (p.unit !== 'national') throw new ApiError(403, 'Forbidden', 'accounts are kept by the platform admin of the national group');
  return p;
}

const AccountParams = Type.Object({ id: Type.String({ pattern: ACCOUNT_ID_PATTERN, maxLength: 64 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const accountRoutes = (ctx: ApiContext, deps: { now: () => Date }): FastifyPluginAsyncTypebox => async (app) => {
  const secrets = createSecretBox(ctx.config.secretsKey);
  app.get(
    '/api/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Local accounts (admin)',
        security: [{ bearer: [] }, { session: [] }],
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AccountSchema) }), ...errors },
      },
    },
    async (req) => {
      platformAdmin(req);
      return { items: await listAccounts(ctx.store, req.query, deps.now()) };
    },
  );

  app.post(
    '/api/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create a local account (admin): answers its one-time password and TOTP enrolment URI, once',
        security: [{ bearer: [] }, { session: [] }],
        body: Type.Object(
          {
            id: Type.String({ pattern: ACCOUNT_ID_PATTERN, maxLength: 64, description: 'the login name' }),
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Type.Union(ACCOUNT_ROLES.map((r) => Type.Literal(r))),
            unit: Type.String({ pattern: UNIT_PATTERN }),
            oidcSubject: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "the identity provider's `sub` of this person" })),
            password: Type.Optional(Type.Boolean({ default: true, description: 'password sign-in; false: identity provider only' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ account: AccountSchema, oneTimePassword: Type.Union([Type.String(), Type.Null()]), totpSecret: Type.Union([Type.String(), Type.Null()]), totpUri: Type.Union([Type.String(), Type.Null()]) }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      platformAdmin(req);
      const created = await createAccount(ctx.store, secrets, req.body, deps.now());
      req.securityNote = { kind: 'account.created', subject: created.account.id, reason: `${created.account.role}@${created.account.unit}` };
      return reply.status(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.post(
    '/api/accounts/:id/unlock',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Unlock an account locked after failed sign-ins (admin)',
        security: [{ bearer: [] }, { session: [] }],
        params: AccountParams,
        response: { 200: Type.Object({ account: AccountSchema }), ...errors },
      },
    },
    async (req) => {
      platformAdmin(req);
      const account = await unlockAccount(ctx.store, req.params.id, deps.now());
      req.securityNote = { kind: 'account.unlocked', subject: account.id };
      return { account };
    },
  );
};
