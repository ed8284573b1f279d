import type { Cluster, Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit.js';
import type { Instruction } from '../callflow/instructions.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import type { Practice } from '../directory/types.js';
import type { Log } from '../log.js';
import { runScript } from '../queue/commands/index.js';
import type { ProviderRecording, RecordingAudio, RecordingControl } from './control.js';

/** What a call's recording index entry says: never audio, a transcript or a URL. */
export interface RecordingView {
  callId: string;
  provider: string;
  /** recording | paused | completed | absent (the provider made none) | missing (the provider no longer has it). */
  status: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  pauses: number;
  pausedSeconds: number;
  held: boolean;
  heldAt: string | null;
  /** When it is deleted at the provider; null while held. */
  deleteAfter: string | null;
  /** Where a signed-in practice manager plays it (streamed through Switchboard). */
  audio: string;
}

/** How the provider reported a recording's progress. */
export type ProviderEvent = { status: 'in-progress' | 'completed' | 'absent'; recordingId?: string; durationSeconds?: number };

/** Whether a call is a caller's call or a call-back (recorded only under answered-and-callbacks). */
export type RecordedKind = 'call' | 'callback';

/** What the call flow asks of recording (a port: CallFlow does not know how recordings work). */
export interface CallRecordings {
  /** What callers hear before the queue while the practice records. */
  announcement(practice: Practice): Instruction[];
  /** The dial's `record`, when this call is to be recorded. */
  dialRecord(practice: Practice, callId: string, kind: RecordedKind): { onStatus: { step: 'recording-status'; callId: string } } | undefined;
  /** Staff (or, for a call-back, the patient) answered: the recording runs from here. */
  answered(practice: Practice, callId: string, providerCallId: string, kind: RecordedKind): Promise<void>;
  /** The call is over: a recording no provider callback will complete is completed now. */
  ended(practice: Practice, callId: string): Promise<void>;
}

export interface RecordingsDeps {
  redis: Redis | Cluster;
  keyPrefix: string;
  clock: Clock;
  directory: () => Directory;
  /** The recording API of a provider kind. */
  controls: (provider: string) => RecordingControl;
  audit: AuditLog;
  log: Log;
}

type Result = 'ok' | 'stale' | 'none';

/** How long a claimed deletion may take before another process takes it again. */
const DELETE_LEASE_MS = 3_600_000;
/** Recordings claimed at a time (each claim is one short script); a run goes on until none is due. */
const DELETE_BATCH = 100;

/**
 * Call recording (docs/recording.md): which calls are recorded, the index of each recording (the
 * provider's id, status, duration and pauses, in Redis beside the shard's calls: `rec:<callId>`,
 * and `recdue`, by deletion time), pausing through the provider's API, playback streamed from the
 * provider, holds, and deletion at the end of retention. Audio never passes through Redis or logs.
 */
export class Recordings implements CallRecordings {
  constructor(private readonly deps: RecordingsDeps) {}

  private get directory() {
    return this.deps.directory();
  }

  private keys(practice: Practice, callId: string): [string, string] {
    const p = `${this.deps.keyPrefix}{${this.directory.shard(practice)}}:`;
    return [`${p}rec:${callId}`, `${p}recdue`];
  }

  private async event(practice: Practice, callId: string, event: string, ...args: (string | number)[]): Promise<Result> {
    const [result] = (await runScript(this.deps.redis, 'recordingEvent', this.keys(practice, callId), [this.deps.keyPrefix, event, this.deps.clock.now(), callId, ...args])) as string[];
    return result as Result;
  }

  /** Whether this practice records calls of this kind. */
  records(practice: Practice, kind: RecordedKind): boolean {
    const { mode } = practice.recording;
    return mode === 'answered-and-callbacks' || (mode === 'answered' && kind === 'call');
  }

  announcement(practice: Practice): Instruction[] {
    return practice.recording.mode === 'off' ? [] : [{ verb: 'say', text: practice.recording.announcement }];
  }

  dialRecord(practice: Practice, callId: string, kind: RecordedKind) {
    return this.records(practice, kind) ? { onStatus: { step: 'recording-status' as const, callId } } : undefined;
  }

  async answered(practice: Practice, callId: string, providerCallId: string, kind: RecordedKind): Promise<void> {
    if (!this.records(practice, kind)) return;
    const control = this.deps.controls(practice.provider.kind);
    let recordingId = '';
    if (control.startOnAnswer) {
      try {
        recordingId = await control.startOnAnswer({ practice, providerCallId });
      } catch (err) {
        this.deps.log.error({ err, callId }, 'recording could not be started');
        return;
      }
    }
    await this.started(practice, callId, providerCallId, recordingId);
    this.deps.log.info({ callId }, 'recording started');
  }

  private started(practice: Practice, callId: string, providerCallId: string, recordingId: string): Promise<Result> {
    return this.event(practice, callId, 'started', practice.ods, practice.provider.kind, providerCallId, practice.recording.retentionDays * 86_400_000, recordingId);
  }

  async ended(practice: Practice, callId: string): Promise<void> {
    // Providers that report their recordings (Twilio) complete them from their callback, with the duration they measured.
    if (!this.deps.controls(practice.provider.kind).startOnAnswer) return;
    // One round trip on the status webhook: the script completes it only if there is one not yet finished.
    await this.event(practice, callId, 'ended');
  }

  /** The provider's report of a recording (Twilio's recordingStatusCallback). */
  async providerEvent(practice: Practice, callId: string, providerCallId: string, e: ProviderEvent): Promise<void> {
    await this.started(practice, callId, providerCallId, e.recordingId ?? '');
    if (e.status === 'completed') await this.event(practice, callId, 'completed', e.recordingId ?? '', e.durationSeconds ?? '');
    if (e.status === 'absent') await this.event(practice, callId, 'absent');
    this.deps.log.info({ callId, status: e.status }, 'recording status');
  }

  /** Pause or resume the recording of a live call through the provider; the index says so first, so a double press changes nothing. */
  async setPaused(practice: Practice, callId: string, paused: boolean, actor: string): Promise<'ok' | 'stale' | 'none' | 'gone'> {
    const entry = await this.entry(practice, callId);
    if (!entry) return 'none';
    const result = await this.event(practice, callId, paused ? 'paused' : 'resumed', actor);
    if (result !== 'ok') return result;
    const control = this.deps.controls(entry.provider ?? practice.provider.kind);
    const rec = this.providerRecording(practice, entry);
    // The provider did not do it (refused, or the call is over): the index goes back to what the recording still is, uncounted.
    const undo = () => this.event(practice, callId, paused ? 'pause-failed' : 'resume-failed');
    let done: 'ok' | 'gone';
    try {
      done = paused ? await control.pause(rec) : await control.resume(rec);
    } catch (err) {
      await undo();
      throw err;
    }
    if (done === 'gone') {
      await undo();
      return done;
    }
    await this.deps.audit.record({ practice: practice.ods, actor, action: paused ? 'recording-paused' : 'recording-resumed', callId, outcome: done });
    return done;
  }

  async view(practice: Practice, callId: string): Promise<RecordingView | undefined> {
    const entry = await this.entry(practice, callId);
    return entry && this.toView(practice, entry);
  }

  /** The recordings of these calls of a practice (for call lists), by call id; calls without one are absent. */
  async forCalls(practice: Practice, callIds: string[]): Promise<Map<string, RecordingView>> {
    if (callIds.length === 0) return new Map();
    const pipeline = this.deps.redis.pipeline();
    for (const id of callIds) pipeline.hgetall(this.keys(practice, id)[0]);
    const rows = (await pipeline.exec()) ?? [];
    const found = new Map<string, RecordingView>();
    rows.forEach(([, row], i) => {
      const entry = row as Record<string, string>;
      if (entry.status && entry.practice === practice.ods) found.set(callIds[i]!, this.toView(practice, entry));
    });
    return found;
  }

  /** The audio, streamed from the provider; every play audited. A recording the provider no longer has is marked missing. */
  async audio(practice: Practice, callId: string, actor: string): Promise<RecordingAudio | 'none' | 'gone' | { unfinished: string }> {
    const entry = await this.entry(practice, callId);
    if (!entry) return 'none';
    // Only a finished recording has audio to fetch: asking while the call is live would find none and mark it missing.
    if (entry.status !== 'completed' && entry.status !== 'missing') return { unfinished: entry.status! };
    let outcome = 'provider error';
    try {
      const audio = await this.deps.controls(entry.provider ?? practice.provider.kind).audio(this.providerRecording(practice, entry));
      if (audio === 'gone') await this.event(practice, callId, 'missing');
      outcome = audio === 'gone' ? 'missing at the provider' : 'streamed';
      return audio;
    } finally {
      // Every play asked for is audited, a failed one too.
      await this.deps.audit.record({ practice: practice.ods, actor, action: 'recording-played', callId, outcome });
    }
  }

  /** Hold (a complaint in progress: kept past retention) or release. */
  async setHeld(practice: Practice, callId: string, held: boolean, actor: string): Promise<Result> {
    const result = await this.event(practice, callId, held ? 'hold' : 'release', actor);
    if (result === 'ok') await this.deps.audit.record({ practice: practice.ods, actor, action: held ? 'recording-held' : 'recording-released', callId });
    return result;
  }

  /**
   * Deletes at the provider every recording of every shard whose retention is over (and which is
   * not held), each claimed first so that one process deletes it; its index entry then goes.
   */
  async deleteDue(): Promise<number> {
    let deleted = 0;
    for (const shard of this.directory.shards) {
      const due = `${this.deps.keyPrefix}{${shard}}:recdue`;
      // Batch after batch until the shard has none due: a busy PCN makes thousands a day.
      for (;;) {
        const ids = (await runScript(this.deps.redis, 'claimDueRecordings', [due], [this.deps.keyPrefix, this.deps.clock.now(), DELETE_LEASE_MS, DELETE_BATCH])) as string[];
        for (const callId of ids) if (await this.deleteOne(shard, callId)) deleted++;
        if (ids.length < DELETE_BATCH) break;
      }
    }
    return deleted;
  }

  private async deleteOne(shard: string, callId: string): Promise<boolean> {
    const p = `${this.deps.keyPrefix}{${shard}}:`;
    const entry = await this.deps.redis.hgetall(`${p}rec:${callId}`);
    const practice = entry.practice ? this.directory.practice(entry.practice) : undefined;
    if (!practice) {
      // A practice gone from the directory: its provider account is not known, so it is tried again after the lease.
      this.deps.log.error({ callId, practice: entry.practice }, 'a recording past retention belongs to no practice in the directory; not deleted');
      return false;
    }
    let outcome: 'deleted' | 'gone';
    try {
      outcome = await this.deps.controls(entry.provider ?? practice.provider.kind).delete(this.providerRecording(practice, entry));
    } catch (err) {
      this.deps.log.warn({ err, callId }, 'a recording past retention could not be deleted; trying again later');
      return false;
    }
    await runScript(this.deps.redis, 'recordingDeleted', [`${p}rec:${callId}`, `${p}recdue`], [this.deps.keyPrefix, callId]);
    await this.deps.audit.record({ practice: practice.ods, actor: 'service:switchboard', action: 'recording-deleted', callId, outcome: outcome === 'deleted' ? 'deleted at the end of retention' : 'the provider no longer had it' });
    this.deps.log.info({ callId, outcome }, 'recording deleted at the end of retention');
    return true;
  }

  private async entry(practice: Practice, callId: string): Promise<Record<string, string> | undefined> {
    const entry = await this.deps.redis.hgetall(this.keys(practice, callId)[0]);
    return entry.status && entry.practice === practice.ods ? entry : undefined;
  }

  private providerRecording(practice: Practice, entry: Record<string, string>): ProviderRecording {
    return { practice, providerCallId: entry.providerCallId ?? '', ...(entry.recordingId ? { recordingId: entry.recordingId } : {}) };
  }

  private toView(practice: Practice, e: Record<string, string>): RecordingView {
    const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);
    const pausedMs = Number(e.pausedMs ?? 0) + (e.pausedAt ? this.deps.clock.now() - Number(e.pausedAt) : 0);
    return {
      callId: e.callId!,
      provider: e.provider ?? '',
      status: e.status!,
      startedAt: iso(e.startedAt)!,
      endedAt: iso(e.endedAt),
      durationSeconds: e.durationSeconds ? Number(e.durationSeconds) : null,
      pauses: Number(e.pauses ?? 0),
      pausedSeconds: Math.round(pausedMs / 1000),
      held: !!e.heldAt,
      heldAt: iso(e.heldAt),
      deleteAfter: e.heldAt ? null : iso(String(Number(e.startedAt) + Number(e.retentionMs))),
      audio: `/v1/practices/${practice.ods}/calls/${encodeURIComponent(e.callId!)}/recording/audio`,
    };
  }
}
