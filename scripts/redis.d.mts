import type { ChildProcess } from 'node:child_process';

export const INSTALL_HINT: string;
export function hasRedisServer(): boolean;
export function redisAnswers(url: string): Promise<boolean>;
export function freePort(): Promise<number>;
export function startPrivateRedis(opts?: { dir?: string; port?: number; detached?: boolean }): Promise<{ url: string; port: number; dir: string; child: ChildProcess }>;
export function startPrivateRedisCluster(opts?: { dir?: string; masters?: number }): Promise<{ nodes: { host: string; port: number; child: ChildProcess }[]; dir: string; env: string }>;
export function stopChild(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
