import { createHash, randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** A signed-in person's session, kept in Redis so any instance can read it and sign-out ends it everywhere. */
export interface Session {
  /** The value of the sign-in claim (email or CIS2 UUID) the directory knows them by. */
  identity: string;
  createdAt: number;
  lastSeenAt: number;
  /** For RP-initiated logout (id_token_hint). */
  idToken?: string;
  refreshToken?: string;
  /** When the provider's access token runs out: past it the session is refreshed, or ended if it cannot be. */
  tokenExpiresAt?: number;
}

/** A sign-in under way: what the callback needs to finish it. */
export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
}

const PENDING_SECONDS = 600;

/** Sessions and sign-ins under way, in Redis under keys made from a digest of the id (a dump holds no usable cookie). */
export class SessionStore {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
  ) {}

  private key(kind: 'session' | 'signin' | 'refreshing', id: string) {
    return `${this.keyPrefix}${kind}:${createHash('sha256').update(id).digest('hex')}`;
  }

  async create(session: Session, lifetimeSeconds: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.save(id, session, lifetimeSeconds);
    return id;
  }

  async save(id: string, session: Session, lifetimeSeconds: number): Promise<void> {
    await this.redis.set(this.key('session', id), JSON.stringify(session), 'EX', Math.max(1, Math.ceil(lifetimeSeconds)));
  }

  async get(id: string): Promise<Session | undefined> {
    const stored = await this.redis.get(this.key('session', id));
    return stored ? (JSON.parse(stored) as Session) : undefined;
  }

  async delete(id: string): Promise<Session | undefined> {
    const stored = await this.redis.getdel(this.key('session', id));
    return stored ? (JSON.parse(stored) as Session) : undefined;
  }

  /** One refresh per session at a time: true for the caller that may refresh now (for 30 s). */
  async lockRefresh(id: string): Promise<boolean> {
    return (await this.redis.set(this.key('refreshing', id), '1', 'EX', 30, 'NX')) === 'OK';
  }

  /** Keeps a sign-in's PKCE verifier and nonce under its state for ten minutes; returns the state. */
  async begin(pending: PendingSignIn): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    await this.redis.set(this.key('signin', state), JSON.stringify(pending), 'EX', PENDING_SECONDS);
    return state;
  }

  /** The sign-in a callback's state names, once. */
  async finish(state: string): Promise<PendingSignIn | undefined> {
    const stored = await this.redis.getdel(this.key('signin', state));
    return stored ? (JSON.parse(stored) as PendingSignIn) : undefined;
  }
}
