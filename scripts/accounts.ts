/**
 * Local accounts from a shell (MONGODB_URI, MONGODB_DB like the API):
 *
 *   npm run accounts -- create --id gd-officer --role officer --unit province:44 --name 陈静 [--oidc-subject <sub>] [--no-password]
 *   npm run accounts -- reset-password --id gd-officer [--totp]     new one-time password (and TOTP secret)
 *   npm run accounts -- unlock --id gd-officer
 *   npm run accounts -- disable --id gd-officer                      (enable --id ... undoes it)
 *   npm run accounts -- link-oidc --id gd-officer --subject <sub>    (--subject '' unlinks)
 *   npm run accounts -- list
 *   npm run accounts -- seed-demo                                    development only (DEV_TOKENS on)
 *
 * A one-time password and an otpauth:// URI are printed once: hand them over out of band; the person
 * enrols the URI in an authenticator app and changes the password at first sign-in.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DEMO_USERS } from '../api/demoUsers.js';
import { ApiError } from '../api/errors.js';
import {
  createAccount,
  linkOidcSubject,
  listAccounts,
  resetPassword,
  seedDemoAccounts,
  setDisabled,
  unlockAccount,
  type AccountView,
  type Credentials,
} from '../api/identity/accounts.js';
import { createSecretBox } from '../api/identity/secretBox.js';
import { recordSecurityEvent } from '../api/identity/securityEvents.js';
import { totpUri } from '../api/identity/totp.js';
import { loadConfig } from '../config/env.js';
import { DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET } from '../config/security.js';
import type { Role } from '../rules/actors.js';
import type { SecurityEventKind } from '../store/identity.js';
import { connectStore, type Store } from '../store/mongo.js';

const USAGE = `usage: npm run accounts -- <command> [options]
  create --id <login> --role <role> --unit <unit> --name <name> [--oidc-subject <sub>] [--no-password]
  reset-password --id <login> [--totp]
  unlock --id <login>
  disable --id <login> | enable --id <login>
  link-oidc --id <login> --subject <sub>
  list
  seed-demo            (development only)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    id: { type: 'string' },
    role: { type: 'string' },
    unit: { type: 'string' },
    name: { type: 'string' },
    'oidc-subject': { type: 'string' },
    subject: { type: 'string' },
    'no-password': { type: 'boolean', default: false },
    totp: { type: 'boolean', default: false },
  },
});
const command = positionals[0];

function need(name: keyof typeof values): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') {
    console.error(`--${name} is required\n${USAGE}`);
    process.exit(2);
  }
  return v;
}

function printAccount(a: AccountView): void {
  const flags = [a.disabled && 'DISABLED', a.lockedUntil && `locked until ${a.lockedUntil}`, a.passwordChangeRequired && 'one-time password', a.totpEnrolled && 'TOTP', a.oidcSubject && `oidc:${a.oidcSubject}`].filter(Boolean);
  console.log(`${a.id.padEnd(16)} ${a.role.padEnd(11)} ${a.unit.padEnd(22)} ${a.name}${flags.length ? `  [${flags.join(', ')}]` : ''}`);
}

function printCredentials(c: Credentials): void {
  if (c.oneTimePassword) console.log(`one-time password: ${c.oneTimePassword}`);
  if (c.totpUri) console.log(`TOTP secret:       ${c.totpSecret}\nenrol (otpauth):   ${c.totpUri}`);
  console.log('Shown once: hand them over out of band. The password must be changed at first sign-in.');
}

async function audit(store: Store, kind: SecurityEventKind, subject: string): Promise<void> {
  const who = `${os.userInfo().username}@${os.hostname()}`;
  await recordSecurityEvent(store, {
    at: new Date(),
    kind,
    method: 'CLI',
    route: null,
    url: `cli:accounts ${command}`,
    status: 0,
    code: null,
    principal: null,
    subject,
    reason: `npm run accounts by ${who}`,
    ip: '',
    userAgent: 'scripts/accounts.ts',
  }).catch((e: unknown) => console.error(`warning: security event not recorded: ${(e as Error).message}`));
}

async function run(store: Store): Promise<void> {
  switch (command) {
    case 'create': {
      const r = await createAccount(store, secrets, {
        id: need('id'),
        role: need('role') as Role,
        unit: need('unit'),
        name: need('name'),
        oidcSubject: values['oidc-subject'] || null,
        password: !values['no-password'],
      });
      printAccount(r.account);
      printCredentials(r);
      await audit(store, 'account.created', r.account.id);
      return;
    }
    case 'reset-password': {
      const id = need('id');
      printCredentials(await resetPassword(store, secrets, id, { totp: values.totp }));
      await audit(store, 'account.passwordReset', id);
      return;
    }
    case 'unlock': {
      printAccount(await unlockAccount(store, need('id')));
      await audit(store, 'account.unlocked', need('id'));
      return;
    }
    case 'disable':
    case 'enable': {
      printAccount(await setDisabled(store, need('id'), command === 'disable'));
      if (command === 'disable') await audit(store, 'account.disabled', need('id'));
      return;
    }
    case 'link-oidc': {
      const subject = values.subject;
      if (subject === undefined) need('subject');
      printAccount(await linkOidcSubject(store, need('id'), subject || null));
      return;
    }
    case 'list': {
      for (const a of await listAccounts(store)) printAccount(a);
      return;
    }
    case 'seed-demo': {
      if (!config.devTokens) {
        console.error('seed-demo is for development: refused while DEV_TOKENS is off (production)');
        process.exit(1);
      }
      for (const a of await seedDemoAccounts(store, secrets, DEMO_USERS)) printAccount(a);
      console.log(`\nEvery demo account: password ${DEMO_ACCOUNT_PASSWORD}\nTOTP secret ${DEMO_TOTP_SECRET} (one for all), e.g. ${totpUri(DEMO_TOTP_SECRET, 'demo')}`);
      return;
    }
    default:
      console.error(USAGE);
      process.exit(2);
  }
}

const config = loadConfig();
const store = await connectStore(config.mongodbUri, config.mongodbDb);
const secrets = createSecretBox(config.secretsKey);
try {
  await run(store);
} catch (e) {
  if (!(e instanceof ApiError)) throw e;
  console.error(`${e.code}: ${e.message}`);
  process.exitCode = 1;
} finally {
  await store.client.close();
}
