import * as client from 'openid-client';
import type { SignInSettings } from '../directory/types.js';

/** What a finished sign-in or refresh gives a session. */
export interface ProviderTokens {
  idToken?: string;
  refreshToken?: string;
  /** Seconds until the access token runs out, when the provider says. */
  expiresInSeconds?: number;
}

/** Why a sign-in failed, in words for the person and the audit log. */
export class SignInError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 502,
    message: string,
    readonly outcome: string,
  ) {
    super(message);
  }
}

/**
 * The OpenID Connect relying party (openid-client): authorization code flow with PKCE, refresh,
 * and RP-initiated logout. The provider's metadata is discovered on first use and kept per issuer
 * and client, so a reloaded directory naming another provider takes effect at once.
 */
export class OidcRelyingParty {
  private readonly configs = new Map<string, Promise<client.Configuration>>();

  private configuration(s: SignInSettings): Promise<client.Configuration> {
    const key = JSON.stringify([s.issuer, s.clientId, s.clientSecret]);
    let found = this.configs.get(key);
    if (!found) {
      // http:// issuers are accepted only on 127.0.0.1 and localhost (the directory's schema): tests and local trials.
      const insecure = s.issuer.startsWith('http://');
      found = client.discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined);
      found.catch(() => this.configs.delete(key));
      this.configs.set(key, found);
    }
    return found;
  }

  /** Where to send the browser, and the PKCE verifier and nonce the callback will need. */
  async start(s: SignInSettings, redirectUri: string, state: (codeVerifier: string, nonce: string) => Promise<string>): Promise<URL> {
    const config = await this.reach(s);
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: s.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: await state(codeVerifier, nonce),
      nonce,
    });
  }

  /** Exchanges the callback's code; returns the claim the directory maps people by, and the tokens. */
  async finish(s: SignInSettings, callbackUrl: URL, checks: { state: string; codeVerifier: string; nonce: string }): Promise<{ identity: string; tokens: ProviderTokens }> {
    const config = await this.reach(s);
    let result: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      result = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true });
    } catch (err) {
      const e = err as { error?: string; error_description?: string; message: string };
      if (e.error) throw new SignInError(401, `the sign-in service said: ${e.error_description ?? e.error}`, `provider: ${e.error}`);
      throw new SignInError(401, `the sign-in could not be checked: ${e.message}`, 'invalid response');
    }
    const claims = result.claims()!;
    let value = claims[s.claim];
    if (value === undefined && config.serverMetadata().userinfo_endpoint) {
      value = (await client.fetchUserInfo(config, result.access_token, claims.sub))[s.claim];
    }
    if (typeof value !== 'string' || value === '') throw new SignInError(403, `the sign-in service did not give your ${s.claim}, which Switchboard needs to know who you are`, `refused: no ${s.claim} claim`);
    return { identity: value, tokens: tokensOf(result) };
  }

  /** New tokens for a session whose access token ran out; throws when the provider refuses. */
  async refresh(s: SignInSettings, refreshToken: string): Promise<ProviderTokens> {
    const result = await client.refreshTokenGrant(await this.reach(s), refreshToken);
    return { refreshToken, ...tokensOf(result) };
  }

  /** The provider's end-session URL (RP-initiated logout), or undefined when it offers none. */
  async endSessionUrl(s: SignInSettings, idToken: string | undefined, postLogoutRedirectUri: string): Promise<URL | undefined> {
    const config = await this.reach(s);
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, client_id: s.clientId, ...(idToken ? { id_token_hint: idToken } : {}) });
  }

  private async reach(s: SignInSettings): Promise<client.Configuration> {
    try {
      return await this.configuration(s);
    } catch (err) {
      throw new SignInError(502, `the sign-in service at ${s.issuer} cannot be reached just now (${(err as Error).message}); try again in a minute`, 'provider unreachable');
    }
  }
}

function tokensOf(result: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): ProviderTokens {
  const expiresIn = result.expiresIn();
  return {
    ...(result.id_token ? { idToken: result.id_token } : {}),
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
    ...(expiresIn !== undefined ? { expiresInSeconds: expiresIn } : {}),
  };
}
