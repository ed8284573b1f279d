import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeRole } from '../../../shared/directory/directory.js';
import { cookie, readCookie, signValue, verifySigned } from '../../../shared/signin/cookies.js';
import { SignInError } from '../../../shared/signin/oidc.js';
import { noBody } from '../plugins/errors.js';

const PENDING_COOKIE = 'switchboard_signin';
const CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Sign-in with the deployment's OpenID Connect provider (docs/sign-in.md): /auth/sign-in starts
 * the authorization code flow with PKCE, /auth/callback finishes it and starts a session for a
 * person the directory knows (anyone else gets a page saying so), /auth/sign-out ends it here and,
 * where the provider offers it, there too.
 */
export default async function signInRoutes(app: FastifyInstance, opts: { publicUrl: string }) {
  const redirectUri = `${opts.publicUrl}/auth/callback`;
  const html = { 200: { type: 'string' } };

  app.get<{ Querystring: { return?: string } }>(
    '/auth/sign-in',
    { schema: { querystring: { type: 'object', properties: { return: { type: 'string', maxLength: 500, description: 'the page to come back to, a path on this site (default /staff)' } } }, response: html } },
    async (request, reply) => {
      const s = app.signIn.settings();
      if (!s) return page(reply, 404, 'Sign-in is not set up', ['This Switchboard has no sign-in service configured: use the access token you were given.']);
      const returnTo = ownPath(request.query.return) ?? '/staff';
      let pendingState = '';
      try {
        const url = await app.signIn.rp.start(s, redirectUri, async (codeVerifier, nonce) => (pendingState = await app.signIn.store.begin({ codeVerifier, nonce, returnTo })));
        void reply.header('set-cookie', cookie(PENDING_COOKIE, signValue(pendingState, s.cookieSecret), { secure: app.signIn.secure, maxAgeSeconds: 600 }));
        return reply.redirect(url.href, 303);
      } catch (err) {
        if (!(err instanceof SignInError)) throw err;
        return page(reply, err.status, 'Cannot sign in just now', [err.message]);
      }
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/auth/callback',
    // Its address carries the authorization code: kept out of the per-request log lines.
    { logLevel: 'warn', schema: { querystring: { type: 'object', properties: { code: { type: 'string' }, state: { type: 'string' }, error: { type: 'string' }, error_description: { type: 'string' } } }, response: html } },
    async (request, reply) => {
      const s = app.signIn.settings();
      if (!s) return page(reply, 404, 'Sign-in is not set up', ['This Switchboard has no sign-in service configured.']);
      void reply.header('set-cookie', cookie(PENDING_COOKIE, '', { secure: app.signIn.secure, maxAgeSeconds: 0 }));
      const failed = async (err: SignInError, who = 'oidc:unknown') => {
        await app.audit.record({ practice: null, actor: who, action: 'sign-in-failed', outcome: err.outcome });
        return page(reply, err.status, err.status === 403 ? 'Switchboard does not know you' : 'You are not signed in', [err.message], true);
      };
      const { state, error, error_description: description } = request.query;
      if (error) return failed(new SignInError(401, `the sign-in service said: ${description ?? error}`, `provider: ${error}`));
      const raw = readCookie(request.headers.cookie, PENDING_COOKIE);
      const bound = raw === undefined ? undefined : verifySigned(raw, s.cookieSecret);
      const pending = state && bound === state ? await app.signIn.store.finish(state) : undefined;
      if (!state || !pending) return failed(new SignInError(400, 'this sign-in was not started in this browser, or took longer than ten minutes: please start again', 'no sign-in under way'));
      let identity: string;
      let tokens;
      try {
        ({ identity, tokens } = await app.signIn.rp.finish(s, new URL(request.url, opts.publicUrl), { state, codeVerifier: pending.codeVerifier, nonce: pending.nonce }));
      } catch (err) {
        if (!(err instanceof SignInError)) throw err;
        return failed(err);
      }
      const grant = app.directory().grantForIdentity(identity);
      if (!grant) {
        return failed(new SignInError(403, `you signed in as ${identity}, but this Switchboard has no one of that name in its directory, so you cannot use it. If you should, ask your practice manager to add ${s.claim === 'email' ? 'your email address' : `your ${s.claim}`} to the directory.`, 'refused: no directory entry'), `oidc:${identity}`);
      }
      await app.signIn.startSession(reply, s, identity, tokens);
      await app.audit.record({ practice: app.signIn.practiceOf(app.directory(), grant), actor: grant.actor, action: 'sign-in', outcome: describeRole(grant) });
      return reply.redirect(pending.returnTo, 303);
    },
  );

  app.post(
    '/auth/sign-out',
    {
      schema: {
        body: noBody,
        response: { 200: { type: 'object', description: 'asked for with Accept: application/json (a page\'s script); a form post is redirected instead', properties: { next: { type: 'string', description: 'where to send the browser: the provider\'s end-session address, or /auth/signed-out' } } } },
      },
    },
    async (request, reply) => {
      const found = await app.signIn.check(request);
      app.signIn.clearCookie(reply);
      const s = app.signIn.settings();
      let next = '/auth/signed-out';
      if (found.grant && s) {
        await app.signIn.store.delete(found.id);
        await app.audit.record({ practice: app.signIn.practiceOf(app.directory(), found.grant), actor: found.grant.actor, action: 'sign-out' });
        // Signed out here whatever happens there; the provider's own session ends too where it offers end_session_endpoint.
        const atProvider = await app.signIn.rp.endSessionUrl(s, found.session.idToken, `${opts.publicUrl}/auth/signed-out`).catch(() => undefined);
        next = atProvider?.href ?? next;
      }
      return request.headers.accept?.includes('application/json') ? { next } : reply.redirect(next, 303);
    },
  );

  app.get('/auth/signed-out', { schema: { response: html } }, async (_request, reply) => page(reply, 200, 'You have signed out', ['You have signed out of Switchboard.'], true));

  app.get(
    '/auth/session',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              signedIn: { type: 'boolean' },
              signInAvailable: { type: 'boolean', description: 'whether people can sign in here (GET /auth/sign-in)' },
              role: { type: 'string', description: 'the person\'s role: staff:<id>, practice:<ods>, pcn:<code>, icb:<code> or admin' },
              name: { type: 'string', description: 'a member of staff\'s name' },
            },
          },
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const found = await app.signIn.check(request);
      if (!found.grant) {
        if (found.ended) app.signIn.clearCookie(reply);
        return { signedIn: false, signInAvailable: app.signIn.settings() !== undefined };
      }
      const staff = found.grant.role === 'staff' ? app.directory().staff(found.grant.staff) : undefined;
      return { signedIn: true, signInAvailable: true, role: describeRole(found.grant), ...(staff ? { name: staff.name } : {}) };
    },
  );
}

/** A path on this site (never another site's address: `//evil.example` and `/\evil` are refused). */
function ownPath(path: string | undefined): string | undefined {
  return path && /^\/(?![/\\])[^\s]*$/.test(path) ? path : undefined;
}

function page(reply: FastifyReply, status: number, title: string, paragraphs: string[], signInLink = false) {
  const body = paragraphs.map((p) => `<p>${escape(p.charAt(0).toUpperCase() + p.slice(1))}</p>`).join('\n');
  const link = signInLink ? '\n<p><a href="/auth/sign-in">Sign in again</a></p>' : '';
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store')
    .send(`<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8"><title>${escape(title)}</title><link rel="stylesheet" href="/live/live.css"></head>\n<body class="message">\n<h1>${escape(title)}</h1>\n${body}${link}\n</body>\n</html>\n`);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
