#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { DirectoryError, loadDirectoryFile } from '../../shared/directory/load.js';
import { londonWallClock } from '../../shared/london-time.js';
import { EXTRACT_HEADER, extractRows } from '../../shared/stats/extract.js';
import { dateOf } from '../../shared/stats/layout.js';
import { GRANULARITIES, parseRange, statsRows, type Granularity } from '../../shared/stats/query.js';
import { parseScope, StatsQueryError } from '../../shared/stats/scope.js';
import { StatsStore } from '../../shared/stats/store.js';
import { parseWeekday } from '../../shared/planning/model.js';
import { nextWeekday, planCsvRows, planReport, planText } from '../../shared/planning/report.js';
import { CallQueue } from '../../shared/queue/queue.js';
import { ConfigError, configFromEnv } from '../switchboard/config.js';
import { csvLine } from '../switchboard/routes/stats.js';

const USAGE = `switchboard-stats <command> [options]   (REDIS_URL, DIRECTORY_FILE and KEY_PREFIX as for the service)

  summary --scope icb:QH8 [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--granularity day|week|month|hour|15m]
          a table of the headline measures, and the range's total
  extract --month YYYY-MM [--scope icb:QH8]
          the monthly CBT file (CSV) on standard output, unsuppressed
  rebuild --scope practice:F81001|pcn:..|icb:.. --from YYYY-MM-DD [--to YYYY-MM-DD]
          recount days from the call records still kept (days older than a practice's
          callRecordRetentionDays are refused)
  plan <ODS or PCN code> [--weekday mon] [--weeks 4] [--roster "08:00-09:30=3,…"|observed] [--csv]
          people needed on the phones per quarter hour (docs/planning.md); with --roster, what
          that roster is predicted to achieve and the smallest change that meets the target
  housekeeping
          what the service does hourly: delete call records past each practice's
          callRecordRetentionDays, compress the last week's finished days`;

const COLUMNS = ['CBT001', 'CBT002', 'CBT003', 'CBT004', 'CBT005', 'CBT006', 'answered_under_2m_pct', 'mean_answer_wait_s', 'mean_missed_wait_s'];

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { scope: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, granularity: { type: 'string', default: 'day' }, month: { type: 'string' }, weekday: { type: 'string' }, weeks: { type: 'string' }, roster: { type: 'string' }, csv: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || !command) return void process.stdout.write(`${USAGE}\n`);
  const config = configFromEnv();
  const directory = loadDirectoryFile(config.directoryFile);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  // ioredis reports why it could not connect as an error event; connect() says only "Connection is closed".
  let why: Error | undefined;
  redis.on('error', (err: Error) => (why ??= err));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnreachable(`cannot reach Redis at ${redisHost(config.redisUrl)} (${(why ?? (err as Error)).message}): start the service first (npm start), or set REDIS_URL to the Redis it uses`);
  }
  const store = new StatsStore(redis, () => directory, config.keyPrefix);
  const now = Date.now();
  const today = londonWallClock(now).date;
  const scope = () => parseScope(directory, values.scope ?? `icb:${directory.data.icb.code}`);
  try {
    switch (command) {
      case 'summary': {
        const s = scope();
        const from = values.from ?? today;
        const granularity = values.granularity as Granularity;
        if (!GRANULARITIES.includes(granularity)) throw new StatsQueryError(`--granularity ${granularity}: choose from ${GRANULARITIES.join(', ')}`);
        const range = parseRange(from, values.to ?? from, granularity, COLUMNS.join(','));
        const rows = [];
        for await (const row of statsRows(store, s.practices, range, 0)) rows.push(row);
        const total = (await statsRows(store, s.practices, { ...range, granularity: 'total' }, 0).next()).value;
        process.stdout.write(`${values.scope ?? `icb:${directory.data.icb.code}`}: ${s.practices.length} practice(s), ${from} to ${values.to ?? from}\n`);
        const table = [['period', ...COLUMNS], ...rows.map((r) => Object.values(r).map((v) => String(v ?? '-')))];
        if (total) table.push(['total', ...COLUMNS.map((c) => String(total[c] ?? '-'))]);
        const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
        for (const r of table) process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}\n`);
        break;
      }
      case 'extract': {
        if (!values.month) throw new StatsQueryError('--month YYYY-MM is required');
        process.stdout.write(csvLine([...EXTRACT_HEADER]));
        for await (const row of extractRows(store, directory, scope().practices, values.month, 0)) process.stdout.write(csvLine(row));
        break;
      }
      case 'rebuild': {
        const from = values.from;
        if (!from || !values.scope) throw new StatsQueryError('rebuild needs --scope and --from');
        const range = parseRange(from, values.to ?? from, 'day', undefined);
        for (const practice of scope().practices) {
          for (let day = range.fromDay; day <= range.toDay; day++) {
            const counted = await store.rebuildDay(practice, day, now);
            process.stdout.write(`${practice.ods} ${dateOf(day)}: ${counted} call(s) counted\n`);
          }
        }
        break;
      }
      case 'plan': {
        const code = positionals[1];
        if (!code) throw new StatsQueryError('plan needs a practice ODS code or a PCN code: plan F81001');
        const kind = directory.practice(code) ? 'practice' : directory.practices.some((p) => p.pcn === code) ? 'pcn' : undefined;
        if (!kind) throw new StatsQueryError(`no practice or PCN ${code} in the directory`);
        const s = parseScope(directory, `${kind}:${code}`);
        const report = await planReport(
          { store, queue: new CallQueue(redis, config.keyPrefix), directory, now },
          `${s.kind}:${code}`,
          s,
          { weekday: values.weekday ? parseWeekday(values.weekday) : nextWeekday(now), weeks: values.weeks === undefined ? undefined : Number(values.weeks), roster: values.roster },
        );
        if (values.csv) {
          for (const row of planCsvRows(report)) process.stdout.write(csvLine(row));
          break;
        }
        process.stdout.write(planText(report));
        break;
      }
      case 'housekeeping':
        for (const practice of directory.practices) {
          process.stdout.write(`${practice.ods}: ${await store.purgeRecords(practice, now)} record(s) deleted, ${await store.compactFinishedDays(practice, now)} day(s) compressed\n`);
        }
        break;
      default:
        throw new StatsQueryError(`unknown command ${command}\n${USAGE}`);
    }
  } finally {
    redis.disconnect();
  }
}

/** Redis not answering: not a mistake in the command (exit 1, not 2), and said without a stack. */
class RedisUnreachable extends Error {}

/** Where a Redis URL points, without any password in it. */
const redisHost = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return 'REDIS_URL';
  }
};

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof RedisUnreachable) {
    process.stderr.write(`switchboard-stats: ${err.message}\n`);
    process.exit(1);
  }
  const known = err instanceof StatsQueryError || err instanceof RangeError || err instanceof ConfigError || err instanceof DirectoryError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`switchboard-stats: ${known ? (err as Error).message : (err as Error).stack}\n`);
  process.exit(known ? 2 : 1);
});
