/**
 * Mints a development token for a seeded demo user (see api/demoUsers.ts):
 *   npm run token -- gd-officer
 * Uses AUTH_SECRET like the API; refuses in production.
 */
import { createTokenService } from '../api/auth.js';
import { DEMO_USERS } from '../api/demoUsers.js';
import { loadConfig } from '../config/env.js';

const config = loadConfig();
const id = process.argv.slice(2).find((a) => a !== '--');
if (config.production && !config.devTokens) {
  console.error('development tokens are off in production (DEV_TOKENS=on enables them)');
  process.exit(2);
}
const user = DEMO_USERS.find((u) => u.id === id);
if (!user) {
  console.error(`usage: npm run token -- <user>; users: ${DEMO_USERS.map((u) => `${u.id} (${u.role}@${u.unit})`).join(', ')}`);
  process.exit(2);
}
console.log(await createTokenService(config.authSecret).mint(user));
