import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { privateRedis } from '../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../helpers/switchboard.js';
import { reserveIssuer, startOidcProvider, TEST_USERS, type TestUser } from '../../helpers/oidc.js';
import { cookieHeader, CookieJar, signInOverHttp } from '../../helpers/browserless.js';
import { signInDirectory, SCREEN_TOKEN } from '../../fixtures/signin.js';
import { TOKENS } from '../../fixtures/live.js';
import type { Directory } from '../../../shared/directory/directory.js';

/** Switchboard with a directory whose people sign in at a real OpenID provider started for the test. */
async function setUp(t: Test, opts: { claim?: 'email' | 'sub'; accessTokenSeconds?: number; directory?: (issuer: string) => Directory } = {}) {
  const redis = await privateRedis(t);
  const at = await reserveIssuer();
  const clock = movableClock('2026-11-24T10:00:00Z');
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: (opts.directory ?? ((i) => signInDirectory(i, { claim: opts.claim })))(at.issuer), clock });
  const op = await startOidcProvider(t, at, sb.url, { accessTokenSeconds: opts.accessTokenSeconds });
  /** A request as the signed-in browser makes it (cookie; Origin on changes, as browsers send it). */
  const asBrowser = async (jar: CookieJar, method: string, path: string, body?: unknown, origin = sb.url) => {
    const res = await fetch(sb.url + path, {
      method,
      headers: { cookie: cookieHeader(jar, sb.url), ...(method === 'GET' ? {} : { origin }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as Record<string, unknown>) : text, headers: res.headers };
  };
  const signIn = (user: TestUser, returnTo = '/staff') => signInOverHttp(sb.url, user.login, user.password, returnTo);
  const audit = (practice: string | null) => sb.app.audit.read(practice);
  return { sb, op, clock, asBrowser, signIn, audit };
}

t.test('people sign in through the provider\'s login page and get their directory role', async (t) => {
  const { sb, asBrowser, signIn, audit } = await setUp(t);

  const alice = await signIn(TEST_USERS.alice);
  t.equal(alice.res.status, 200, 'back at the staff panel');
  t.equal(alice.url, `${sb.url}/staff`);
  t.match(alice.text, /<title>Switchboard staff panel<\/title>/);
  t.same(await asBrowser(alice.jar, 'GET', '/auth/session').then((r) => r.body), { signedIn: true, signInAvailable: true, role: 'staff:alice', name: 'Alice Ward' }, 'Alice, as the directory knows her (her email matched whatever its case)');

  const roles: [TestUser, string][] = [[TEST_USERS.manager, 'practice:F81001'], [TEST_USERS.pcnLead, 'pcn:U12345'], [TEST_USERS.icbAnalyst, 'icb:QH8'], [TEST_USERS.bob, 'staff:bob']];
  for (const [user, role] of roles) {
    const { jar } = await signIn(user);
    t.match(await asBrowser(jar, 'GET', '/auth/session').then((r) => r.body), { signedIn: true, role }, `${user.login} signs in as ${role}`);
  }

  // The session reaches every authenticated route, as a bearer token would.
  t.equal((await asBrowser(alice.jar, 'PUT', '/v1/staff/alice/presence', { state: 'available' })).status, 200, 'Alice sets her own presence');
  t.match(await asBrowser(alice.jar, 'POST', '/v1/live/tickets'), { status: 201, body: { role: 'staff', practice: 'F81001', staff: { id: 'alice' } } });
  const manager = await signIn(TEST_USERS.manager);
  t.equal((await asBrowser(manager.jar, 'GET', '/v1/practices/F81001/metrics')).status, 200, 'the practice manager reads the practice\'s figures');
  const pcn = await signIn(TEST_USERS.pcnLead);
  t.equal((await asBrowser(pcn.jar, 'GET', '/v1/practices/F81002/metrics')).status, 200, 'the PCN lead reads a member practice\'s figures');
  t.equal((await asBrowser(pcn.jar, 'PUT', '/v1/staff/alice/presence', { state: 'away' })).status, 403, 'but cannot act for its staff');
  const icb = await signIn(TEST_USERS.icbAnalyst);
  t.equal((await asBrowser(icb.jar, 'GET', '/v1/stats?scope=icb:QH8&granularity=day&from=2026-11-24&to=2026-11-24')).status, 200, 'the ICB analyst reads the ICB\'s statistics');
  t.equal((await asBrowser(icb.jar, 'GET', '/v1/staff/alice')).status, 403, 'and never a person\'s own state');

  const session = alice.jar.cookies(sb.url).get('switchboard_session')!;
  t.match(session, /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/, 'the cookie is a session id and its HMAC, nothing about the person');
  const entries = await audit('F81001');
  t.match(entries.find((e) => e.actor === 'staff:alice' && e.action === 'sign-in'), { practice: 'F81001', outcome: 'staff:alice' }, 'the sign-in is in the practice\'s audit log');
  t.ok(entries.some((e) => e.actor === `oidc:${TEST_USERS.manager.email}` && e.action === 'sign-in' && e.outcome === 'practice:F81001'), 'and the manager\'s');
  t.ok((await audit(null)).some((e) => e.action === 'sign-in' && e.outcome === 'icb:QH8'), 'the ICB analyst\'s is deployment-wide');
});

t.test('the session cookie is http-only, SameSite=Lax, and Secure only on https', async (t) => {
  const { sb } = await setUp(t);
  const res = await fetch(`${sb.url}/auth/sign-in?return=/wallboard`, { redirect: 'manual' });
  t.equal(res.status, 303);
  const location = new URL(res.headers.get('location')!);
  t.equal(location.searchParams.get('code_challenge_method'), 'S256', 'PKCE');
  t.equal(location.searchParams.get('redirect_uri'), `${sb.url}/auth/callback`, 'the redirect URI is made from PUBLIC_URL');
  t.equal(location.searchParams.get('scope'), 'openid profile email');
  t.ok(location.searchParams.get('nonce') && location.searchParams.get('state'));
  const cookie = res.headers.getSetCookie()[0]!;
  t.match(cookie, /^switchboard_signin=.+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/, 'the sign-in under way is bound to this browser, not Secure on http');
  const elsewhere = await fetch(`${sb.url}/auth/sign-in?return=//evil.example/x`, { redirect: 'manual' });
  t.equal(elsewhere.status, 303, 'a return address on another site is ignored (the staff panel instead)');
});

t.test('someone the directory does not know is refused with a page that says so, and audited', async (t) => {
  const { sb, asBrowser, signIn, audit } = await setUp(t);
  const stranger = await signIn(TEST_USERS.stranger);
  t.equal(stranger.res.status, 403);
  t.match(stranger.res.headers.get('content-type'), /text\/html/);
  t.match(stranger.text, /Switchboard does not know you/);
  t.match(stranger.text, /you signed in as someone\.else@nhs\.net, but this Switchboard has no one of that name in its directory/i);
  t.notOk(stranger.jar.cookies(sb.url).has('switchboard_session'), 'no session');
  t.match(await asBrowser(stranger.jar, 'GET', '/auth/session').then((r) => r.body), { signedIn: false, signInAvailable: true });
  t.match((await audit(null)).find((e) => e.action === 'sign-in-failed'), { actor: 'oidc:someone.else@nhs.net', outcome: 'refused: no directory entry', practice: null });

  // A callback nobody started here, and one the provider refused, fail with a page too.
  const unstarted = await fetch(`${sb.url}/auth/callback?code=abc&state=made-up`);
  t.equal(unstarted.status, 400);
  t.match(await unstarted.text(), /not started in this browser/);
  const denied = await fetch(`${sb.url}/auth/callback?error=access_denied&error_description=the+person+cancelled`);
  t.equal(denied.status, 401);
  t.match(await denied.text(), /The sign-in service said: the person cancelled/);
  t.equal((await audit(null)).filter((e) => e.action === 'sign-in-failed').length, 3, 'each failed sign-in is audited');
});

t.test('people are mapped by the CIS2 UUID when the directory says claim: sub', async (t) => {
  const { asBrowser, signIn } = await setUp(t, { claim: 'sub' });
  const { jar } = await signIn(TEST_USERS.manager);
  t.match(await asBrowser(jar, 'GET', '/auth/session').then((r) => r.body), { signedIn: true, role: 'practice:F81001' });
});

t.test('a staff member cannot read or change another\'s state; their practice manager can', async (t) => {
  const { asBrowser, signIn } = await setUp(t);
  const alice = await signIn(TEST_USERS.alice);
  t.equal((await asBrowser(alice.jar, 'GET', '/v1/staff/alice')).status, 200, 'her own');
  const bobs = await asBrowser(alice.jar, 'GET', '/v1/staff/bob');
  t.equal(bobs.status, 403, 'not Bob\'s');
  t.match(bobs.body, { detail: /may not act for staff member bob/ });
  t.equal((await asBrowser(alice.jar, 'PUT', '/v1/staff/bob/presence', { state: 'available' })).status, 403);
  const manager = await signIn(TEST_USERS.manager);
  t.equal((await asBrowser(manager.jar, 'GET', '/v1/staff/bob')).status, 200, 'the practice manager sees Bob\'s');
  t.equal((await asBrowser(manager.jar, 'GET', '/v1/staff/carol')).status, 403, 'but not another practice\'s staff');
});

t.test('forged, tampered and expired cookies are refused', async (t) => {
  const { sb, clock, asBrowser, signIn, op } = await setUp(t, { accessTokenSeconds: 300 });
  const alice = await signIn(TEST_USERS.alice);
  const cookie = alice.jar.cookies(sb.url).get('switchboard_session')!;
  const as = async (value: string) => (await fetch(`${sb.url}/v1/staff/alice`, { headers: { cookie: `switchboard_session=${value}` } })).status;
  t.equal(await as(cookie), 200);
  const [id, mac] = cookie.split('.');
  t.equal(await as(`${id}.${mac!.slice(0, -2)}AA`), 401, 'a changed signature');
  t.equal(await as(`${id!.slice(0, -2)}AA.${mac}`), 401, 'a changed session id');
  t.equal(await as('made-up-session'), 401, 'no signature at all');
  const { createHmac, randomBytes } = await import('node:crypto');
  const forgedId = randomBytes(32).toString('base64url');
  t.equal(await as(`${forgedId}.${createHmac('sha256', 'not-the-secret-0123456789abcdef0123').update(forgedId).digest('base64url')}`), 401, 'signed with another secret');

  // Idle: 29 minutes between requests is fine (refreshing the provider's tokens as they run out), 31 is not.
  for (let i = 0; i < 3; i++) {
    clock.advance(29 * 60_000);
    t.equal(await as(cookie), 200, `still signed in after ${(i + 1) * 29} minutes of use`);
  }
  t.ok(op.events.refreshed >= 1, `the provider's tokens were refreshed (${op.events.refreshed} times)`);
  clock.advance(31 * 60_000);
  const idle = await fetch(`${sb.url}/v1/staff/alice`, { headers: { cookie: `switchboard_session=${cookie}` } });
  t.equal(idle.status, 401, 'idle for 31 minutes');
  t.match(await idle.json(), { detail: 'your session has expired: sign in again' });
  t.match(idle.headers.getSetCookie()[0], /^switchboard_session=; .*Max-Age=0/, 'and the cookie is cleared');

  // Absolute: however busy, 8 hours from signing in.
  const bob = await signIn(TEST_USERS.bob);
  const bobCookie = bob.jar.cookies(sb.url).get('switchboard_session')!;
  const asBob = async () => (await fetch(`${sb.url}/v1/staff/bob`, { headers: { cookie: `switchboard_session=${bobCookie}` } })).status;
  for (let minutes = 25; minutes < 8 * 60; minutes += 25) {
    clock.advance(25 * 60_000);
    if ((await asBob()) !== 200) t.fail(`Bob was signed out after ${minutes} minutes`);
  }
  clock.advance(25 * 60_000);
  t.equal(await asBob(), 401, 'expired 8 hours after signing in');
  t.match(await asBrowser(bob.jar, 'GET', '/auth/session').then((r) => r.body), { signedIn: false });
});

t.test('a session the provider will no longer refresh ends', async (t) => {
  const { sb, clock, signIn, audit, op } = await setUp(t, { accessTokenSeconds: 300 });
  const alice = await signIn(TEST_USERS.alice);
  const cookie = alice.jar.cookies(sb.url).get('switchboard_session')!;
  const { createHash } = await import('node:crypto');
  const stored = JSON.parse((await sb.redis.get(`sb:session:${createHash('sha256').update(cookie.split('.')[0]!).digest('hex')}`))!) as { refreshToken: string; idToken: string };
  t.ok(stored.refreshToken && stored.idToken, 'the session keeps the provider\'s tokens (in Redis, never in the cookie)');
  // The account is disabled at the provider: its refresh token is revoked.
  const revoked = await fetch(`${op.issuer}/token/revocation`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: stored.refreshToken, client_id: 'switchboard-test', client_secret: 'switchboard-test-client-secret' }).toString() });
  t.equal(revoked.status, 200);
  t.equal((await fetch(`${sb.url}/v1/staff/alice`, { headers: { cookie: `switchboard_session=${cookie}` } })).status, 200, 'until the access token runs out the session goes on');
  clock.advance(6 * 60_000);
  const ended = await fetch(`${sb.url}/v1/staff/alice`, { headers: { cookie: `switchboard_session=${cookie}` } });
  t.equal(ended.status, 401, 'then the refresh is refused and the session ends');
  t.match(await ended.json(), { detail: 'the sign-in service has ended your session: sign in again' });
  t.match((await audit('F81001')).find((e) => e.action === 'sign-out'), { actor: 'staff:alice', outcome: /the sign-in service refused to refresh the session/ });
});

t.test('signing out ends the session here and at the provider', async (t) => {
  const { sb, asBrowser, signIn, audit, op } = await setUp(t);
  const alice = await signIn(TEST_USERS.alice);
  const cookie = alice.jar.cookies(sb.url).get('switchboard_session')!;
  const out = await alice.jar.request(`${sb.url}/auth/sign-out`, { method: 'POST', headers: { origin: sb.url } });
  t.equal(out.status, 303);
  const endSession = new URL(out.headers.get('location')!);
  t.equal(endSession.origin, op.issuer, 'on to the provider\'s end_session_endpoint');
  t.ok(endSession.searchParams.get('id_token_hint'), 'with the ID token as the hint');
  t.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${sb.url}/auth/signed-out`);
  t.notOk(alice.jar.cookies(sb.url).has('switchboard_session'), 'the cookie is cleared');
  t.equal((await fetch(`${sb.url}/v1/staff/alice`, { headers: { cookie: `switchboard_session=${cookie}` } })).status, 401, 'and the old cookie no longer works anywhere');
  t.match((await audit('F81001')).find((e) => e.action === 'sign-out'), { actor: 'staff:alice' });

  // The provider asks to confirm, then sends the browser back to Switchboard's signed-out page.
  const confirm = await alice.jar.follow(endSession.href);
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(confirm.text);
  t.ok(form, 'the provider shows its sign-out confirmation');
  const fields = new URLSearchParams([...form![2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  fields.set('logout', 'yes');
  const back = await alice.jar.follow(new URL(form![1]!, confirm.url).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() });
  t.equal(back.url, `${sb.url}/auth/signed-out`);
  t.match(back.text, /You have signed out/);
  t.match(await asBrowser(alice.jar, 'GET', '/auth/session').then((r) => r.body), { signedIn: false });
});

t.test('a signed-in request that changes something must come from Switchboard\'s own pages', async (t) => {
  const { asBrowser, signIn } = await setUp(t);
  const alice = await signIn(TEST_USERS.alice);
  const res = await asBrowser(alice.jar, 'PUT', '/v1/staff/alice/presence', { state: 'available' }, 'http://evil.example');
  t.equal(res.status, 403);
  t.match(res.body, { detail: /must come from Switchboard's own pages/ });
  t.equal((await asBrowser(alice.jar, 'PUT', '/v1/staff/alice/presence', { state: 'available' })).status, 200);
});

t.test('the live socket takes the session cookie: no ticket needed', async (t) => {
  const { sb, signIn } = await setUp(t);
  const alice = await signIn(TEST_USERS.alice);
  const ws = new WebSocket(`${sb.url.replace('http', 'ws')}/v1/live`, { headers: { cookie: cookieHeader(alice.jar, sb.url) } });
  t.teardown(() => ws.close());
  const messages: { type: string; role?: string }[] = [];
  const next = (type: string) => new Promise<Record<string, unknown>>((resolve) => ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as { type: string };
    messages.push(m);
    if (m.type === type) resolve(m);
  }));
  t.match(await next('ready'), { role: 'staff' }, 'ready without an auth message');
  ws.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001' } }));
  t.match(await next('snapshot'), { snapshot: { scope: { key: 'practice:F81001' } } });

  // Signing out (in another tab) closes the socket within SESSION_RECHECK_MS.
  const closedBy = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  t.equal((await fetch(`${sb.url}/auth/sign-out`, { method: 'POST', headers: { cookie: cookieHeader(alice.jar, sb.url), accept: 'application/json' } })).status, 200);
  t.same(await closedBy, { code: 4401, reason: 'your session has ended: sign in again' }, 'the signed-out page\'s socket is closed');

  const stranger = new WebSocket(`${sb.url.replace('http', 'ws')}/v1/live`, { headers: { cookie: 'switchboard_session=forged.cookie' } });
  const closed = await new Promise<number>((resolve) => {
    stranger.on('open', () => stranger.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001' } })));
    stranger.on('close', (code) => resolve(code));
  });
  t.equal(closed, 4401, 'a forged cookie authenticates nothing');
});

t.test('machines keep their tokens: digests, read-only tokens, and plain tokens with a warning', async (t) => {
  const { sb } = await setUp(t);
  t.equal((await sb.api('GET', '/v1/practices/F81001/metrics', SCREEN_TOKEN)).status, 200, 'a token stored as a digest works');
  t.equal((await sb.api('POST', '/v1/live/tickets', SCREEN_TOKEN)).status, 201, 'a read-only screen still gets live tickets');
  const refused = await sb.api('PUT', '/v1/staff/alice/presence', SCREEN_TOKEN, { state: 'available' });
  t.equal(refused.status, 403);
  t.match(refused.body, { detail: 'this token is read-only: it may not change anything' });
  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', TOKENS.riverside, { state: 'available' })).status, 200, 'a practice token that is not read-only may');
  t.ok(sb.logs.some((l) => /access\[\d\] \(practice:F81001\) holds a plain token: store its digest instead/.test(l)), 'plain tokens are warned about at start');
  t.notOk(sb.logs.some((l) => l.includes('riverside-screen') && l.includes('plain token')), 'not the digest');
});

t.test('a reloaded directory that changes a person\'s role is audited, and a removed person is signed out', async (t) => {
  let issuer = '';
  const { sb, asBrowser, signIn, audit } = await setUp(t, { directory: (i) => ((issuer = i), signInDirectory(i)) });
  const bob = await signIn(TEST_USERS.bob);
  const manager = await signIn(TEST_USERS.manager);
  t.equal((await asBrowser(bob.jar, 'GET', '/v1/staff/bob')).status, 200);
  const { parseDirectory } = await import('../../../shared/directory/load.js');
  const { signInDirectoryYaml } = await import('../../fixtures/signin.js');
  sb.setDirectory(
    parseDirectory(
      signInDirectoryYaml(issuer)
        .replace(', identity: bob.khan@nhs.net', '')
        .replace(`identity: ${TEST_USERS.manager.email}, role: practice, practice: F81001`, `identity: ${TEST_USERS.manager.email}, role: pcn, pcn: U12345`),
      'changed',
    ),
  );
  t.equal((await asBrowser(bob.jar, 'GET', '/v1/staff/bob')).status, 401, 'Bob, gone from the directory, is signed out at once');
  t.match(await asBrowser(manager.jar, 'GET', '/auth/session').then((r) => r.body), { role: 'pcn:U12345' }, 'the manager has the new role at once');
  const changes = (await audit('F81001')).filter((e) => e.action === 'role-changed');
  t.same(changes.map((e) => e.outcome).sort(), ['practice:F81001 → pcn:U12345', 'staff:bob → none'].sort());
});

t.test('without a reachable provider, or without signIn, sign-in says so and tokens still work', async (t) => {
  const redis = await privateRedis(t);
  const nowhere = await reserveIssuer();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: signInDirectory(nowhere.issuer) });
  const down = await fetch(`${sb.url}/auth/sign-in`, { redirect: 'manual' });
  t.equal(down.status, 502);
  t.match(await down.text(), /The sign-in service at http:\/\/127\.0\.0\.1:\d+ cannot be reached just now/);
  t.equal((await sb.api('GET', '/v1/staff/alice', TOKENS.alice)).status, 200, 'machines\' tokens do not need the provider');

  const { liveDirectory } = await import('../../fixtures/live.js');
  sb.setDirectory(liveDirectory());
  const off = await fetch(`${sb.url}/auth/sign-in`, { redirect: 'manual' });
  t.equal(off.status, 404);
  t.match(await off.text(), /This Switchboard has no sign-in service configured/);
  t.match(await (await fetch(`${sb.url}/auth/session`)).json(), { signedIn: false, signInAvailable: false }, 'so the pages offer only the token field');
});
