/**
 * Sign-in through an OpenID Connect identity provider (openid-client v6): authorization code flow
 * with PKCE (S256), `state` and `nonce`; the ID token's signature, issuer, audience, expiry and nonce
 * are checked by openid-client.
 *
 * The provider proves who the person is (`sub`); what they may do comes from our accounts collection:
 * the account whose `oidcSubject` is that `sub`. Role or unit claims of the provider are never read:
 * `sub` is stable and never reassigned by the provider, while claims such as e-mail, groups or roles
 * are editable by the person or by the provider's administrators — trusting them would let whoever
 * runs the provider grant roles in this service. A subject without an account gets 403 `NoAccount`.
 */
import * as oidc from 'openid-client';
import type { OidcConfig } from '../../config/env.js';
import type { Store } from '../../store/mongo.js';
import { ApiError } from '../errors.js';
import { principalOfAccount } from './accounts.js';
import type { RedirectProvider, RedirectTransaction } from './providers.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function oidcProvider(config: OidcConfig, deps: { store: Store }): RedirectProvider {
  let discovered: Promise<oidc.Configuration> | undefined;
  const issuer = new URL(config.issuer);
  // Plain HTTP only for a provider on this machine (tests, development); config/env.ts refuses others.
  const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(issuer, config.clientId, config.clientSecret, config.clientSecret ? oidc.ClientSecretPost(config.clientSecret) : oidc.None(), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw new ApiError(503, 'IdentityProviderUnavailable', `the identity provider cannot be reached: ${(e as Error).message}`);
      });
    return discovered;
  }

  return {
    id: 'oidc',
    name: config.name,
    kind: 'redirect',

    async begin() {
      const c = await configuration();
      const transaction: RedirectTransaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: config.redirectUri,
        scope: 'openid',
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(transaction.codeVerifier),
        code_challenge_method: 'S256',
        state: transaction.state,
        nonce: transaction.nonce,
      });
      return { url, transaction };
    },

    async complete(callbackUrl, transaction) {
      const c = await configuration();
      let subject: string;
      try {
        const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: transaction.codeVerifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims?.sub) throw new Error('the ID token names no subject');
        subject = claims.sub;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        // openid-client's message is generic; its cause names the check (e.g. 'unexpected ID Token "nonce" claim value').
        const cause = (e as { cause?: unknown }).cause;
        const why = cause instanceof Error && cause.message !== (e as Error).message ? ` (${cause.message})` : '';
        throw new ApiError(401, 'OidcSignInFailed', `the identity provider's answer was not accepted: ${(e as Error).message}${why}`);
      }
      const accounts = await deps.store.accounts.find({ oidcSubject: subject }).limit(2).toArray();
      if (accounts.length !== 1) throw new ApiError(403, 'NoAccount', 'the identity provider knows you, but no account of this service is linked to you; ask an administrator', { subject });
      const account = accounts[0]!;
      if (account.disabled) throw new ApiError(403, 'AccountDisabled', 'this account is disabled', { subject });
      return { principal: principalOfAccount(account), method: 'oidc', accountId: account._id, passwordChangeRequired: false };
    },
  };
}
