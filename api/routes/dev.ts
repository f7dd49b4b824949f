/**
 * Development token minting for the seeded demo users. Registered only when `config.devTokens`
 * (on by default outside production, off in production unless DEV_TOKENS=on). The browser console
 * signs in as a demo user with `POST /api/auth/dev-login` (api/routes/auth.ts), under the same switch.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEMO_USERS } from '../demoUsers.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';

const User = Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), unit: Type.String() });

export const devRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/dev/users', { schema: { tags: ['dev'], summary: 'Demo users a token can be minted for', response: { 200: Type.Array(User) } } }, async () => DEMO_USERS);
  app.post(
    '/api/dev/tokens',
    {
      schema: {
        tags: ['dev'],
        summary: 'Mint a token for a demo user (development only)',
        body: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), user: User }), 404: ErrorSchema },
      },
    },
    async (req) => {
      const user = DEMO_USERS.find((u) => u.id === req.body.userId);
      if (!user) throw new ApiError(404, 'NotFound', `no demo user ${req.body.userId}; see GET /api/dev/users`);
      return { token: await ctx.tokens.mint(user), user };
    },
  );
};
