import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { Scope, View } from './scope.js';
import { figuresOnly, suppressedServiceLevel, suppressedToday, type Snapshot, type SnapshotReader } from './snapshot.js';

/** A connected screen, as the hub sees it. */
export interface Subscriber {
  readonly view: View;
  send(message: string): void;
}

type Section = Exclude<keyof Snapshot, 'scope'>;
const SECTIONS: Section[] = ['thresholds', 'teams', 'serviceLevel', 'live', 'staffCounts', 'today', 'callers', 'staff', 'failedCallbacks', 'callbacksDue'];
const ROW_SECTIONS = new Set<Section>(['callers', 'staff', 'failedCallbacks', 'callbacksDue']);

/** One scope's screens in this process, and what they were last sent. */
interface Feed {
  scope: Scope;
  subscribers: Set<Subscriber>;
  /** The snapshot every subscriber now holds, section by section as JSON. */
  sent?: Snapshot;
  sentJson: Map<Section, string>;
  first?: Promise<void>;
  lastPushAt: number;
  timer?: NodeJS.Timeout;
  reading: boolean;
  changedWhileReading: boolean;
}

export interface HubOptions {
  reader: SnapshotReader;
  clock: Clock;
  log: Log;
  /** A screen gets at most one message per this many ms, however fast the queue changes. */
  coalesceMs: number;
  /** The shard's Redis key prefix, to match change notices (CallQueue.prefix). */
  prefixOf: (shard: string) => string;
  /** Figures-only screens (ICB) see today's small numbers as /v1/stats shows them (0: not suppressed). */
  suppressBelow?: number;
}

/**
 * Fans queue changes out to live screens. Change notices (from Redis pub/sub, whichever process
 * made the change) mark the scopes of that shard stale; each scope is re-read from Redis at most
 * once per `coalesceMs` (the first change after a quiet spell at once), and its screens are sent
 * only the sections that changed, serialised once per scope and view.
 */
export class LiveHub {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly opts: HubOptions) {}

  get screens(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.subscribers.size;
    return n;
  }

  /** Adds a screen; it is sent the full snapshot now, then changes. Returns how to remove it. */
  async subscribe(scope: Scope, subscriber: Subscriber): Promise<() => void> {
    let feed = this.feeds.get(scope.key);
    if (!feed) {
      feed = { scope, subscribers: new Set(), sentJson: new Map(), lastPushAt: 0, reading: false, changedWhileReading: false };
      this.feeds.set(scope.key, feed);
      const created = feed;
      feed.first = this.push(created);
    }
    await feed.first;
    if (!feed.sent) throw new Error(`live state of ${scope.key} could not be read`);
    feed.subscribers.add(subscriber);
    subscriber.send(JSON.stringify({ type: 'snapshot', at: this.opts.clock.now(), snapshot: subscriber.view === 'rows' ? feed.sent : figuresOnly(feed.sent, this.opts.suppressBelow) }));
    const joined = feed;
    return () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size === 0 && this.feeds.get(joined.scope.key) === joined && !joined.first) {
        clearTimeout(joined.timer);
        this.feeds.delete(joined.scope.key);
      }
    };
  }

  /** A change notice: the key prefix of the shard that changed. */
  changed(prefix: string): void {
    for (const feed of this.feeds.values()) if (this.opts.prefixOf(feed.scope.shard) === prefix) this.schedule(feed);
  }

  /** Re-reads every scope (for what only time changes: the day's intervals at midnight). */
  refreshAll(): void {
    for (const feed of this.feeds.values()) this.schedule(feed);
  }

  close(): void {
    for (const feed of this.feeds.values()) clearTimeout(feed.timer);
    this.feeds.clear();
  }

  private schedule(feed: Feed): void {
    if (feed.reading) {
      feed.changedWhileReading = true;
      return;
    }
    if (feed.timer) return;
    const delay = Math.max(0, feed.lastPushAt + this.opts.coalesceMs - Date.now());
    feed.timer = setTimeout(() => {
      feed.timer = undefined;
      void this.push(feed);
    }, delay);
  }

  private async push(feed: Feed): Promise<void> {
    feed.reading = true;
    feed.lastPushAt = Date.now();
    try {
      const snapshot = await this.opts.reader.read(feed.scope, this.opts.clock.now());
      this.send(feed, snapshot);
    } catch (err) {
      this.opts.log.warn({ err, scope: feed.scope.key }, 'live snapshot could not be read');
    } finally {
      feed.reading = false;
      feed.first = undefined;
      if (feed.changedWhileReading) {
        feed.changedWhileReading = false;
        this.schedule(feed);
      }
      if (feed.subscribers.size === 0 && feed.sent === undefined) this.feeds.delete(feed.scope.key);
    }
  }

  private send(feed: Feed, snapshot: Snapshot): void {
    const changed: Partial<Record<Section, unknown>> = {};
    const changedFigures: Partial<Record<Section, unknown>> = {};
    let rows = 0;
    let figures = 0;
    for (const section of SECTIONS) {
      const json = JSON.stringify(snapshot[section] ?? null);
      if (feed.sentJson.get(section) === json) continue;
      feed.sentJson.set(section, json);
      changed[section] = snapshot[section];
      rows++;
      if (!ROW_SECTIONS.has(section)) {
        changedFigures[section] = section === 'today' ? suppressedToday(snapshot.today, this.opts.suppressBelow ?? 0) : section === 'serviceLevel' ? suppressedServiceLevel(snapshot.serviceLevel, this.opts.suppressBelow ?? 0) : snapshot[section];
        figures++;
      }
    }
    feed.sent = snapshot;
    if (rows === 0 || feed.subscribers.size === 0) return;
    const at = this.opts.clock.now();
    const forRows = JSON.stringify({ type: 'update', at, sections: changed });
    const forFigures = figures === 0 ? undefined : JSON.stringify({ type: 'update', at, sections: changedFigures });
    for (const s of feed.subscribers) {
      const message = s.view === 'rows' ? forRows : forFigures;
      if (message) s.send(message);
    }
  }
}
