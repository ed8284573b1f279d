import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Test } from 'tap';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from '../../scripts/redis.mjs';

/** A person the test provider knows: they sign in with `login` and `password` on its login page. */
export interface TestUser {
  login: string;
  password: string;
  /** The CIS2-style UUID subject. */
  sub: string;
  email: string;
  name: string;
}

export const TEST_USERS = {
  alice: { login: 'alice', password: 'alice-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-111111111111', email: 'Alice.Ward@nhs.net', name: 'Alice Ward' },
  bob: { login: 'bob', password: 'bob-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-222222222222', email: 'bob.khan@nhs.net', name: 'Bob Khan' },
  cara: { login: 'cara', password: 'cara-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-777777777777', email: 'cara.north@nhs.net', name: 'Cara North' },
  manager: { login: 'manager', password: 'manager-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-333333333333', email: 'riverside.manager@nhs.net', name: 'Mo Reed' },
  pcnLead: { login: 'pcn-lead', password: 'pcn-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-444444444444', email: 'pcn.lead@nhs.net', name: 'Pat Lee' },
  icbAnalyst: { login: 'icb-analyst', password: 'icb-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-555555555555', email: 'icb.analyst@nhs.net', name: 'Ira Cole' },
  stranger: { login: 'stranger', password: 'stranger-password', sub: '5b2c6f4e-0c4a-4d0b-9d7e-666666666666', email: 'someone.else@nhs.net', name: 'Sam Else' },
} satisfies Record<string, TestUser>;

export const CLIENT = { id: 'switchboard-test', secret: 'switchboard-test-client-secret' } as const;

/**
 * A real OpenID provider (panva's certified oidc-provider) on a free port, with the test users,
 * its own login page (/interaction/:uid: a form of login and password, checked here), consent
 * taken as given for Switchboard (a first-party client), refresh tokens, and RP-initiated logout.
 * `redirectBase` is Switchboard's PUBLIC_URL.
 */
export async function startOidcProvider(t: Test, at: { port: number; issuer: string }, redirectBase: string, opts: { accessTokenSeconds?: number } = {}) {
  const { port, issuer } = at;
  const users = Object.values(TEST_USERS) as TestUser[];
  const config: Configuration = {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [`${redirectBase}/auth/callback`],
        post_logout_redirect_uris: [`${redirectBase}/auth/signed-out`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true }, revocation: { enabled: true } },
    pkce: { required: () => true },
    ttl: { AccessToken: opts.accessTokenSeconds ?? 600, IdToken: 600, RefreshToken: 86_400, Session: 86_400, Grant: 86_400, Interaction: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx, sub) => {
      const user = users.find((u) => u.sub === sub);
      return user && { accountId: sub, claims: async () => ({ sub, email: user.email, email_verified: true, name: user.name }) };
    },
    // Switchboard is the deployment's own application: its scopes are granted without a consent page.
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session!;
      const clientId = ctx.oidc.client!.clientId;
      const existing = session.grantIdFor(clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: session.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      session.grantIdFor(clientId, grant.jti);
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Error</title><h1>${String(out.error)}</h1><p>${String(out.error_description ?? '')}</p>`;
    },
  };
  const provider = new Provider(issuer, config);
  const events = { refreshed: 0, signedIn: 0 };
  provider.on('grant.success', (ctx) => {
    if ((ctx.oidc.params as { grant_type?: string } | undefined)?.grant_type === 'refresh_token') events.refreshed += 1;
  });
  const callback = provider.callback();

  const login = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      const user = users.find((u) => u.login === form.get('login') && u.password === form.get('password'));
      if (user) {
        events.signedIn += 1;
        return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      }
      return loginPage(res, uid, 'That login and password do not match.');
    }
    return loginPage(res, uid);
  };

  const server = createServer((req, res) => {
    const m = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (!m) return void callback(req, res);
    login(req, res, m[1]!).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { issuer, provider, events };
}

function loginPage(res: ServerResponse, uid: string, problem = '') {
  res.writeHead(problem ? 401 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>Test identity provider: sign in</title></head><body>
<h1>Sign in to the test identity provider</h1>${problem ? `<p id="problem">${problem}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label>Login <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></body></html>`);
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/** A port and issuer for a provider started later (Switchboard's directory names it, and the provider Switchboard's address). */
export async function reserveIssuer(): Promise<{ port: number; issuer: string }> {
  const port = await freePort();
  return { port, issuer: `http://127.0.0.1:${port}` };
}

/** The directory's signIn block for this provider. */
export function signInYaml(issuer: string, claim = 'email', extra = ''): string {
  return `signIn:
  issuer: ${issuer}
  clientId: ${CLIENT.id}
  clientSecret: ${CLIENT.secret}
  claim: ${claim}
  cookieSecret: test-cookie-secret-0123456789abcdef0123456789
${extra}`;
}
