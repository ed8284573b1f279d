import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Directory } from '../../../shared/directory/directory.js';
import type { AccessGrant, SignInSettings } from '../../../shared/directory/types.js';
import { cookie, readCookie, signValue, verifySigned } from '../../../shared/signin/cookies.js';
import { OidcRelyingParty, type ProviderTokens } from '../../../shared/signin/oidc.js';
import { SessionStore, type Session } from '../../../shared/signin/sessions.js';

/** What a request's session cookie comes to: a person's grant, or why there is none. */
export type SessionCheck = { grant: AccessGrant; id: string; session: Session } | { grant?: undefined; ended?: string; forged?: boolean };

declare module 'fastify' {
  interface FastifyInstance {
    signIn: {
      rp: OidcRelyingParty;
      store: SessionStore;
      /** The directory's sign-in settings; undefined when people cannot sign in (tokens only). */
      settings: () => SignInSettings | undefined;
      /**
       * The person a request's session cookie stands for, checked against the directory in force.
       * `touch: false` (a live socket looking again) neither counts as activity nor refreshes.
       */
      check: (request: FastifyRequest, opts?: { touch: boolean }) => Promise<SessionCheck>;
      /** Starts a session for a signed-in person and sets its cookie. */
      startSession: (reply: FastifyReply, s: SignInSettings, identity: string, tokens: ProviderTokens) => Promise<void>;
      clearCookie: (reply: FastifyReply) => void;
      /** Who else may see what this grant concerns: its practice, for the audit log. */
      practiceOf: (directory: Directory, grant: AccessGrant | undefined) => string | null;
      secure: boolean;
    };
  }
}

export const SESSION_COOKIE = 'switchboard_session';
/** Sessions seen again within this long are not re-saved (their idle time is kept to this precision). */
const TOUCH_MS = 15_000;

/**
 * People's sessions: a signed (HMAC-SHA256), http-only, SameSite=Lax cookie holding a session id;
 * the session itself in Redis, checked on every request against the clock (absolute and idle
 * limits) and the directory in force (a person removed from it is signed out at once). Also
 * records role changes in the audit log when a reloaded directory gives a person another role.
 */
export default fp(async function signIn(app: FastifyInstance, opts: { publicUrl: string }) {
  const store = new SessionStore(app.redis, app.queue.keyPrefix);
  const rp = new OidcRelyingParty();
  const secure = opts.publicUrl.startsWith('https://');
  const settings = () => app.directory().data.signIn;
  const lifetimeMs = (s: SignInSettings) => s.sessionHours * 3_600_000;

  const practiceOf = (directory: Directory, grant: AccessGrant | undefined): string | null => {
    if (grant?.role === 'practice') return grant.practice;
    if (grant?.role === 'staff') return directory.staff(grant.staff)?.practice ?? null;
    return null;
  };

  const check = async (request: FastifyRequest, { touch } = { touch: true }): Promise<SessionCheck> => {
    const s = settings();
    const raw = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!s || raw === undefined) return {};
    const id = verifySigned(raw, s.cookieSecret);
    if (id === undefined) return { ended: 'the session cookie is not valid', forged: true };
    const session = await store.get(id);
    if (!session) return { ended: 'your session has ended' };
    const now = app.clock.now();
    if (now - session.createdAt > lifetimeMs(s) || now - session.lastSeenAt > s.idleMinutes * 60_000) {
      await store.delete(id);
      return { ended: 'your session has expired' };
    }
    let changed = touch && now - session.lastSeenAt > TOUCH_MS;
    if (touch) session.lastSeenAt = now;
    // One refresh at a time per session: requests that arrive meanwhile carry on with the session as it is.
    if (touch && session.refreshToken && session.tokenExpiresAt !== undefined && now >= session.tokenExpiresAt && (await store.lockRefresh(id))) {
      try {
        const tokens = await rp.refresh(s, session.refreshToken);
        Object.assign(session, sessionTokens(tokens, now));
        changed = true;
      } catch (err) {
        // The provider unreachable is not the provider saying no: carry on, and try again in 30 s.
        if (!(err as { error?: string }).error) {
          app.log.warn({ err: (err as Error).message }, 'a session could not be refreshed: the sign-in service did not answer');
          return finish(id, session, s, now, changed);
        }
        await store.delete(id);
        const grant = app.directory().grantForIdentity(session.identity);
        await app.audit.record({ practice: practiceOf(app.directory(), grant), actor: grant?.actor ?? `oidc:${session.identity}`, action: 'sign-out', outcome: `the sign-in service refused to refresh the session: ${(err as Error).message}` });
        return { ended: 'the sign-in service has ended your session' };
      }
    }
    return finish(id, session, s, now, changed);
  };

  /** The session's person as the directory in force knows them (or the end of it); saved when it changed. */
  const finish = async (id: string, session: Session, s: SignInSettings, now: number, changed: boolean): Promise<SessionCheck> => {
    const grant = app.directory().grantForIdentity(session.identity);
    if (!grant) {
      await store.delete(id);
      return { ended: 'you are no longer in the directory' };
    }
    if (changed) await store.save(id, session, (session.createdAt + lifetimeMs(s) - now) / 1000);
    return { grant, id, session };
  };

  const sessionTokens = (tokens: ProviderTokens, now: number): Partial<Session> => ({
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.expiresInSeconds !== undefined ? { tokenExpiresAt: now + tokens.expiresInSeconds * 1000 } : {}),
  });

  const startSession = async (reply: FastifyReply, s: SignInSettings, identity: string, tokens: ProviderTokens) => {
    const now = app.clock.now();
    const id = await store.create({ identity, createdAt: now, lastSeenAt: now, ...sessionTokens(tokens, now) }, lifetimeMs(s) / 1000);
    void reply.header('set-cookie', cookie(SESSION_COOKIE, signValue(id, s.cookieSecret), { secure, maxAgeSeconds: lifetimeMs(s) / 1000 }));
  };

  app.decorate('signIn', {
    rp,
    store,
    settings,
    check,
    startSession,
    clearCookie: (reply: FastifyReply) => void reply.header('set-cookie', cookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 })),
    practiceOf,
    secure,
  });

  // A reloaded directory: warn about what should change in it, and audit each person whose role changed.
  let seen = app.directory();
  let roles = seen.personRoles();
  for (const warning of seen.warnings) app.log.warn({ directory: true }, warning);
  // Looked at on every request, so the unchanged case answers at once rather than through a promise.
  app.addHook('onRequest', (_request, _reply, done) => {
    const current = app.directory();
    if (current === seen) return done();
    directoryChanged(current).then(() => done(), done);
  });
  const directoryChanged = async (current: Directory) => {
    const previous = seen;
    const before = roles;
    seen = current;
    roles = current.personRoles();
    for (const warning of current.warnings) app.log.warn({ directory: true }, warning);
    const changes = [...new Set([...before.keys(), ...roles.keys()])].filter((identity) => before.get(identity) !== roles.get(identity));
    await Promise.all(
      changes.map((identity) => {
        const practice = practiceOf(current, current.grantForIdentity(identity)) ?? practiceOf(previous, previous.grantForIdentity(identity));
        return app.audit.record({ practice, actor: `oidc:${identity}`, action: 'role-changed', outcome: `${before.get(identity) ?? 'none'} → ${roles.get(identity) ?? 'none'}` });
      }),
    ).catch((err: Error) => app.log.error({ err: err.message }, 'role changes could not be audited'));
  };
}, { name: 'signin', dependencies: ['callflow', 'audit'] });
