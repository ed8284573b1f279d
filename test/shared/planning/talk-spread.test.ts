import t from 'tap';
import { learnDemand } from '../../../shared/planning/model.js';
import { normalCdf } from '../../../shared/planning/patience.js';
import { DEFAULT_HANDLE_PHASES, fitTalkSigma, talkSpread } from '../../../shared/planning/talk-spread.js';
import { emptyCounters, FIELD } from '../../../shared/stats/layout.js';
import { StatsStore } from '../../../shared/stats/store.js';
import { privateRedis } from '../../helpers/redis.js';
import { at, CallPlayer, R, statsDirectory } from '../../helpers/stats.js';

/** One interval's counters holding `calls` answered calls with these band counts and mean talk. */
function counters(bands: readonly number[], meanTalk: number) {
  const c = emptyCounters();
  const calls = bands.reduce((a, b) => a + b, 0);
  bands.forEach((n, i) => (c[FIELD.duration + i] = n));
  c[FIELD.answered] = calls;
  c[FIELD.talkSum] = calls * meanTalk;
  return c;
}

t.test('a log-normal’s spread is read back from its shares of the call-length bands', async (t) => {
  for (const sigma of [0.3, 0.5, 0.9]) {
    const median = 100;
    const mean = median * Math.exp((sigma * sigma) / 2);
    const cdf = (s: number) => normalCdf(Math.log(s / median) / sigma);
    // 10,000 calls in the bands exactly as the log-normal shares them (up to 1, 1–2, 2–5, over 5 minutes, in whole seconds: a 60.4 s call counts as 60).
    const bands = [cdf(60.5), cdf(120.5) - cdf(60.5), cdf(300.5) - cdf(120.5), 1 - cdf(300.5)].map((share) => Math.round(share * 10_000));
    const fitted = fitTalkSigma(bands, mean);
    t.ok(Math.abs(fitted - sigma) < 0.01, `σ ${sigma}: fitted ${fitted.toFixed(4)}`);
  }
});

t.test('how alike calls are, as the Erlang order of the handle time: by hand', async (t) => {
  // σ 0.5, mean talk 113.3 s, 15 s wrap-up: variance 113.3² (e^{0.25} − 1) = 3,646 s²; (128.3)² / 3,646 = 4.51.
  const sigma = 0.5;
  const mean = 100 * Math.exp(0.125);
  const cdf = (s: number) => normalCdf(Math.log(s / 100) / sigma);
  const bands = [cdf(60.5), cdf(120.5) - cdf(60.5), cdf(300.5) - cdf(120.5), 1 - cdf(300.5)].map((share) => Math.round(share * 10_000));
  const spread = talkSpread([counters(bands, mean)], 15);
  t.ok(Math.abs(spread.handlePhases - (mean + 15) ** 2 / (mean ** 2 * Math.expm1(spread.sigma! ** 2))) < 1e-9);
  t.ok(Math.abs(spread.handlePhases - 4.51) < 0.1, `${spread.handlePhases.toFixed(2)} phases`);
  // Calls as varied as the exponential (σ ≈ 0.83, coefficient of variation 1) and no wrap-up: about one phase.
  const wide = 0.8326;
  const wideCdf = (s: number) => normalCdf(Math.log(s / 100) / wide);
  const wideBands = [wideCdf(60.5), wideCdf(120.5) - wideCdf(60.5), wideCdf(300.5) - wideCdf(120.5), 1 - wideCdf(300.5)].map((share) => Math.round(share * 10_000));
  t.ok(Math.abs(talkSpread([counters(wideBands, 100 * Math.exp((wide * wide) / 2))], 0).handlePhases - 1) < 0.05);
  // Under 50 answered calls: no basis, Erlang-2 as assumed before any history.
  t.same(talkSpread([counters([10, 20, 10, 5], 120)], 15), { handlePhases: DEFAULT_HANDLE_PHASES });
});

t.test('the demand model learns it from the counters the service keeps, by hand count of a Monday', async (t) => {
  const redis = await privateRedis(t);
  const directory = statsDirectory();
  const player = new CallPlayer(redis.connect());
  // Monday 24 August 2026: 60 answered calls, 9 of 50 s, 27 of 100 s, 22 of 180 s, 2 of 400 s of talk.
  const talks = [...Array<number>(9).fill(50), ...Array<number>(27).fill(100), ...Array<number>(22).fill(180), ...Array<number>(2).fill(400)];
  for (const [i, talk] of talks.entries()) await player.answered(...R, at('2026-08-24', '09:00', 10 * i), 5, talk);
  const store = new StatsStore(redis.connect(), () => directory);
  const model = await learnDemand(store, directory, [directory.practice('F81001')!], { weekday: 'mon', weeks: 1, now: Date.parse('2026-08-30T19:00:00Z') });
  // Mean talk 7,910 ÷ 60; bands 9 / 27 / 22 / 2; Riverside's wrap-up 1 s.
  const sigma = fitTalkSigma([9, 27, 22, 2], 7910 / 60);
  t.ok(Math.abs(model.handlePhases - (7910 / 60 + 1) ** 2 / ((7910 / 60) ** 2 * Math.expm1(sigma * sigma))) < 1e-9, `${model.handlePhases.toFixed(2)} phases`);
});
