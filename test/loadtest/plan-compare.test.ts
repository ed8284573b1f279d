import t from 'tap';
import { comparePlan, comparisonMarkdown, historyShape, ratioStandardError } from '../../loadtest/plan-compare.js';
import { loadScenario } from '../../loadtest/scenario.js';
import type { CallerAttempt, RunResult } from '../../loadtest/simulate.js';
import { erlangA } from '../../shared/planning/queueing.js';
import { lognormalPatience } from '../../shared/planning/patience.js';
import { openingStarts, transientPeriods } from '../../shared/planning/transient.js';

const scenario = loadScenario('monday-8am-practice');
const SPEED = 60;
const round1 = (x: number) => Math.round(x * 10) / 10;
/** The scenario's staff answer delay (log-normal, median 3 s, σ 0.4): its variance, mean² (e^{σ²} − 1). */
const DELAY_VARIANCE = (3 * Math.exp(0.4 ** 2 / 2)) ** 2 * Math.expm1(0.4 ** 2);
/**
 * Where the records have too few answers after a wait to time it, the scenario's answer delay: its mean. The records' wait runs
 * until the receptionist picks up, the model's until one is free: within target is the model's wait within 120 s less it.
 */
const TARGET = 120 - 3 * Math.exp(0.4 ** 2 / 2);
/** With no talk recorded, the scenario's: log-normal, median 100 s, σ 0.5; how alike the handle times are, mean² ÷ variance. */
const phasesOf = (handle: number, talkVariance = (100 * Math.exp(0.5 ** 2 / 2)) ** 2 * Math.expm1(0.5 ** 2)) => handle ** 2 / (talkVariance + DELAY_VARIANCE);
/** Calls evenly over a quarter hour's five three-minute steps, as the check follows them. */
const EVEN = [0.2, 0.2, 0.2, 0.2, 0.2];
/** An attempt placed at simulated second `at`, with the service's record. */
const attempt = (at: number, over: Partial<CallerAttempt> & { outcome?: string; wait?: number }): CallerAttempt => ({
  practice: 'P1', from: '+44', attempt: 1, placedAt: (at * 1000) / SPEED, engaged: false, abandoned: over.outcome === 'abandoned', cutOff: false, errors: [], menuChoice: '1',
  record: over.outcome ? { outcome: over.outcome, waitSeconds: over.wait ?? 0 } : undefined,
  ...over,
});

t.test('the planner against a run, quarter hour by quarter hour, counted by hand', async (t) => {
  const attempts = [
    // 08:00–08:15: 12 reception calls: 8 answered within 2 minutes, 2 after, 2 hung up.
    ...Array.from({ length: 8 }, (_, i) => attempt(10 * i, { outcome: 'answered', wait: 30 + i })),
    attempt(100, { outcome: 'answered', wait: 121 }),
    attempt(110, { outcome: 'answered', wait: 400 }),
    attempt(120, { outcome: 'abandoned', wait: 300 }),
    attempt(130, { outcome: 'abandoned', wait: 90 }),
    // Not reception, or never reached the service: left out.
    attempt(140, { outcome: 'answered', wait: 999, menuChoice: '2' }),
    attempt(150, { engaged: true }),
  ];
  const run = { scenario, speed: SPEED, practices: 1, arrivalMinutes: 30, startedAt: 0, attempts, callbacks: [], missedRings: [] } as unknown as RunResult;
  const rows = comparePlan(run);
  t.equal(rows.length, 2);
  const [first, second] = rows;
  t.equal(first!.start, '08:00');
  t.equal(first!.arrivals, 12);
  t.equal(first!.staff, 4, 'four receptionists from opening');
  t.equal(first!.answering, 4, 'no call-backs made, nobody away: all four answer the queue');
  t.same(first!.simulated, { answeredWithinTargetPct: 80, abandonPct: 16.7, standardErrorPp: null }, '8 of 10 answered within target; 2 of 12 hung up; one morning: no standard error');
  const handle = 100 * Math.exp(0.5 ** 2 / 2) + 3 * Math.exp(0.4 ** 2 / 2) + 15;
  const prediction = erlangA({ arrivalsPerSecond: 12 / 900, handleSeconds: handle, patienceSeconds: 600 * Math.exp(0.6 ** 2 / 2), servers: 4 });
  t.equal(first!.predicted.answeredWithinTargetPct, Math.round(prediction.serviceLevel(TARGET) * 1000) / 10);
  t.equal(first!.differencePp, Math.round((first!.predicted.answeredWithinTargetPct - 80) * 10) / 10);
  t.equal(first!.busy, true);
  t.equal(second!.start, '08:15');
  t.equal(second!.staff, 6, 'six from 08:15');
  t.equal(second!.simulated.answeredWithinTargetPct, null);
  t.equal(second!.busy, false);
  const md = comparisonMarkdown(run, rows);
  t.match(md, /\| 08:00 \| 12 \| 4 \| 0 \| 0 \| 0 \| 4 \| – \/ 0 \| 80 \|/);
  t.match(md, /One morning: no standard error/);
  t.match(md, /within 5 percentage points, steady \d of 1, carried \d of 1; % hung up within 5 points \(carried\) \d of 1/);
  // The scenario's callers' log-normal patience (median 600 s, σ 0.6), not an exponential of its mean.
  const patience = lognormalPatience(600, 0.6);
  // Followed three minutes at a time (calls evenly here); 08:00's callers still waiting at 08:15 meet its six people.
  const carried = transientPeriods([{ arrivalsPerSecond: 12 / 900, handleSeconds: handle, handlePhases: phasesOf(handle), patienceSeconds: 600 * Math.exp(0.6 ** 2 / 2), patience, servers: 4, nextServers: 6, seconds: 900, shares: EVEN, freshStarts: openingStarts(4, 12 / 900, handle) }, { arrivalsPerSecond: 0, handleSeconds: handle, patienceSeconds: 600 * Math.exp(0.6 ** 2 / 2), patience, servers: 6, seconds: 900 }]);
  // The check's own steps see the next people through the midpoint rule (shared/planning/transient.ts), the chain's in closed form: a tenth of a point apart at most.
  t.ok(Math.abs(first!.carried.answeredWithinTargetPct - carried[0]!.prediction.serviceLevel(TARGET) * 100) <= 0.15, 'carried: the morning starts empty');
  t.ok(Math.abs(first!.carried.abandonPct - carried[0]!.prediction.abandonProbability * 100) <= 0.15);
});

t.test('a quarter hour with few calls is busy when callers hang up: 5% or more', async (t) => {
  const few = (hungUp: number) => [
    ...Array.from({ length: 6 - hungUp }, (_, i) => attempt(10 * i, { outcome: 'answered', wait: 30 })),
    ...Array.from({ length: hungUp }, (_, i) => attempt(100 + 10 * i, { outcome: 'abandoned', wait: 200 })),
  ];
  const rowsOf = (attempts: CallerAttempt[]) => comparePlan({ scenario, speed: SPEED, practices: 1, arrivalMinutes: 15, startedAt: 0, attempts, callbacks: [], missedRings: [] } as unknown as RunResult);
  t.equal(rowsOf(few(0))[0]!.busy, false, 'six calls, all answered: quiet');
  const queued = rowsOf(few(1))[0]!;
  t.equal(queued.simulated.abandonPct, 16.7);
  t.equal(queued.busy, true, 'six calls, one hung up (17%): busy');
});

t.test('like with like: call-back work and time away after an unanswered ring take people off the queue', async (t) => {
  const attempts = [
    ...Array.from({ length: 12 }, (_, i) => attempt(10 * i, { outcome: 'answered', wait: 30 })).map((a, i) => ({ ...a, record: { ...a.record, talkSeconds: i < 6 ? 100 : 140 } })),
    // Asked for a call-back at 100 s: counted once, as the call-back's work, not as a caller in the queue.
    attempt(90, { outcome: 'callback-requested', sid: 'CB1', callbackRequested: { at: (100 * 1000) / SPEED } }),
    // Asked the prescriptions line for a call-back: that team's work, not reception's.
    attempt(95, { outcome: 'callback-requested', sid: 'CB2', menuChoice: '2', callbackRequested: { at: (100 * 1000) / SPEED } }),
  ];
  // The call-back was answered by the patient 200 s after the request (simulated seconds), at the first attempt.
  const callbacks = [
    { id: 'P1-x', status: 'completed', team: 'P1.reception', attempts: 1, requestedAt: '2026-12-07T08:00:00.000Z', answeredAt: '2026-12-07T08:03:20.000Z', originCallId: 'twilio:CB1' },
    { id: 'P1-y', status: 'completed', team: 'P1.prescriptions', attempts: 1, requestedAt: '2026-12-07T08:00:00.000Z', answeredAt: '2026-12-07T08:03:20.000Z', originCallId: 'twilio:CB2' },
  ];
  // A receptionist's phone rang out at 60 s: away from 80 s (20 s ring) until the roster signs people in again at 15 minutes.
  const missedRings = [{ at: (60 * 1000) / SPEED, endpoint: 'client:P1-r1' }, { at: (70 * 1000) / SPEED, endpoint: 'client:P1-x1' }];
  const run = { scenario, speed: SPEED, practices: 1, arrivalMinutes: 15, startedAt: 0, attempts, callbacks, missedRings } as unknown as RunResult;
  const [first] = comparePlan(run);
  t.equal(first!.arrivals, 12, 'the caller who took a call-back is not a queued arrival');
  // Talk as the service recorded it (6 × 100 s and 6 × 140 s), not the scenario's draw.
  const handle = 120 + 3 * Math.exp(0.4 ** 2 / 2) + 15;
  t.equal(first!.handleSeconds, Math.round(handle * 10) / 10);
  // Their spread too: six of 100 s and six of 140 s, sample variance 12 × 20² ÷ 11; the answer delay's; wrap-up none.
  t.equal(first!.handlePhases, round1(phasesOf(handle, (12 * 400) / 11)), 'how alike the calls were, as recorded');
  const pickUp = 8 * Math.exp(0.4 ** 2 / 2);
  // Call-back: the staff member is rung, the patient picks up, they talk and wrap up: handle + pick-up.
  // Away: 80 s to 900 s = 820 s. The other team's missed ring (x1) is not reception's.
  const answering = 4 - (handle + pickUp + 820) / 900;
  t.equal(first!.answering, Math.round(answering * 10) / 10, `4 − (${(handle + pickUp).toFixed(1)} + 820) ÷ 900 people (the prescriptions call-back is not reception's)`);
  t.equal(first!.onCallbacks, Math.round(((handle + pickUp) / 900) * 10) / 10);
  t.equal(first!.away, Math.round((820 / 900) * 10) / 10);
  const at = (n: number) => erlangA({ arrivalsPerSecond: 12 / 900, handleSeconds: handle, patienceSeconds: 600 * Math.exp(0.6 ** 2 / 2), servers: n }).serviceLevel(TARGET);
  const w = answering - 2;
  t.equal(first!.predicted.answeredWithinTargetPct, Math.round((at(2) * (1 - w) + at(3) * w) * 1000) / 10, 'between two and three people, in proportion');
  t.equal(first!.simulated.abandonPct, 0, 'of the 12 who joined, nobody hung up');
});

t.test('carried: calls within the quarter hour come as they did in the history morning, never as in the morning checked', async (t) => {
  const patienceSeconds = 600 * Math.exp(0.6 ** 2 / 2);
  const patience = lognormalPatience(600, 0.6);
  const handle = 100 * Math.exp(0.5 ** 2 / 2) + 3 * Math.exp(0.4 ** 2 / 2) + 15;
  // The morning checked: 30 reception calls spread evenly through 08:00–08:15.
  const checked = Array.from({ length: 30 }, (_, i) => attempt(30 * i, { outcome: 'answered', wait: 60 }));
  // A history morning a week earlier (its own clock): 30 calls, 24 of them in the first three minutes;
  // callers who took a call-back and other teams' callers are not counted, as in the check itself.
  const historyStart = 1_000_000;
  const past = (at: number, over: Parameters<typeof attempt>[1]) => ({ ...attempt(at, over), placedAt: historyStart + (at * 1000) / SPEED });
  const history = [
    ...Array.from({ length: 24 }, (_, i) => past(7 * i, { outcome: 'answered', wait: 200 })),
    ...Array.from({ length: 6 }, (_, i) => past(200 + 110 * i, { outcome: 'abandoned', wait: 300 })),
    ...Array.from({ length: 10 }, (_, i) => past(600 + i, { outcome: 'callback-requested' })),
    ...Array.from({ length: 10 }, (_, i) => past(700 + i, { outcome: 'answered', menuChoice: '2' })),
  ];
  const base = { scenario, speed: SPEED, practices: 1, arrivalMinutes: 15, startedAt: 0, attempts: checked, callbacks: [], missedRings: [] };
  const run = { ...base, history: [{ startedAt: historyStart, speed: SPEED, attempts: history }] } as unknown as RunResult;
  // Steps: 24, 2 (200, 310 s), 2 (420, 530), 1 (640), 1 (750): uneven; (24 + 2)/40 = 0.65 in the first, (2 + 2)/40 = 0.1, …
  const shape = historyShape(run);
  t.same(shape.uneven, [32], '08:00 is uneven in the history morning');
  t.same(shape.shape[32]!.map((x) => Math.round(x * 1000) / 1000), [0.65, 0.1, 0.1, 0.075, 0.075]);
  const [row] = comparePlan(run);
  const [expected] = transientPeriods([{ arrivalsPerSecond: 30 / 900, handleSeconds: handle, handlePhases: phasesOf(handle), patienceSeconds, patience, servers: 4, seconds: 900, shares: shape.shape[32], freshStarts: openingStarts(4, (30 / 900) * shape.shape[32]![0]! * 5, handle) }]);
  t.equal(row!.carried.answeredWithinTargetPct, Math.round(expected!.prediction.serviceLevel(TARGET) * 1000) / 10, 'carried: the checked morning’s 30 calls, shaped as the history morning’s');
  const [even] = comparePlan({ ...base } as unknown as RunResult);
  t.not(even!.carried.answeredWithinTargetPct, row!.carried.answeredWithinTargetPct, 'without history: evenly, a different figure');
  t.match(comparisonMarkdown(run, [row!]), /learnt from the history morning\(s\) only, never from the mornings checked: Calls come unevenly within the quarter hour 08:00 \(65% in its first 3 minutes\)/);
  t.match(comparisonMarkdown({ ...base } as unknown as RunResult, [even!]), /no history morning \(run with --history N\): calls are spread evenly/);
});

t.test('several mornings: every practice is one; pooled, each against its own prediction, with standard errors by hand', async (t) => {
  const patienceSeconds = 600 * Math.exp(0.6 ** 2 / 2);
  const patience = lognormalPatience(600, 0.6);
  const handle = 100 * Math.exp(0.5 ** 2 / 2) + 3 * Math.exp(0.4 ** 2 / 2) + 15;
  const calls = (practice: string, joined: number, within: number, late: number) => [
    ...Array.from({ length: within }, (_, i) => attempt(5 * i, { practice, outcome: 'answered', wait: 60 })),
    ...Array.from({ length: late }, (_, i) => attempt(5 * i, { practice, outcome: 'answered', wait: 200 })),
    ...Array.from({ length: joined - within - late }, (_, i) => attempt(5 * i, { practice, outcome: 'abandoned', wait: 300 })),
  ];
  // Morning 1 (P1): 12 joined, 8 of 10 answered within target. Morning 2 (P2, another run): 20 joined, 4 of 10.
  const base = { scenario, speed: SPEED, arrivalMinutes: 15, startedAt: 0, callbacks: [], missedRings: [] };
  const runs = [
    { ...base, practices: 1, attempts: calls('P1', 12, 8, 2) },
    { ...base, scenario: { ...scenario, seed: 9 }, practices: 1, attempts: calls('P2', 20, 4, 6) },
  ] as unknown as RunResult[];
  const [row] = comparePlan(runs);
  t.equal(row!.arrivals, 32);
  // Pooled 12 of 20 = 60%. Around R = 0.6: residuals 8 − 6 = 2 and 4 − 6 = −2; √((4 + 4) / (2 · 1)) / 10 = 0.2.
  t.same(row!.simulated, { answeredWithinTargetPct: 60, abandonPct: round1((12 / 32) * 100), standardErrorPp: 20 });
  // Each morning predicted from its own calls (the model is not linear), weighted by its answered calls (10 and 10).
  // The lines open on an empty queue: everyone's first calls start together.
  const own = (joined: number) => transientPeriods([{ arrivalsPerSecond: joined / 900, handleSeconds: handle, handlePhases: phasesOf(handle), patienceSeconds, patience, servers: 4, seconds: 900, shares: EVEN, freshStarts: openingStarts(4, joined / 900, handle) }])[0]!.prediction;
  const [p1, p2] = [own(12), own(20)];
  const level = (p1.serviceLevel(TARGET) + p2.serviceLevel(TARGET)) / 2;
  t.equal(row!.carried.answeredWithinTargetPct, round1(level * 100));
  t.equal(row!.carried.abandonPct, round1(((12 * p1.abandonProbability + 20 * p2.abandonProbability) / 32) * 100), 'hung up: weighted by the calls that joined');
  t.equal(row!.carriedDifferencePp, round1(round1(level * 100) - 60));
  const forMean = own(16).serviceLevel(TARGET);
  t.equal(row!.carriedForMeanWorkPct, round1(forMean * 100), 'for comparison: the model given the mean work, 16 calls');
  t.not(row!.carriedForMeanWorkPct, row!.carried.answeredWithinTargetPct, 'not the mean of the predictions');
  // Paired: e = within − prediction × answered per morning; D = Σe / Σanswered; √(Σ (e − D·10)² / 2) / 10.
  const e = [8 - 10 * p1.serviceLevel(TARGET), 4 - 10 * p2.serviceLevel(TARGET)];
  const d = (e[0]! + e[1]!) / 20;
  t.equal(row!.carriedDifferenceErrorPp, round1((Math.sqrt(((e[0]! - 10 * d) ** 2 + (e[1]! - 10 * d) ** 2) / 2) / 10) * 100));
  const md = comparisonMarkdown(runs, [row!]);
  t.match(md, /2 simulated morning\(s\): every practice of 2 runs \(seeds 8, 9\)/);
  t.match(md, new RegExp(`\\| 60 ± 20 \\| .* \\| ${row!.carriedDifferencePp} ± ${row!.carriedDifferenceErrorPp} \\|`));
  t.match(md, /Standard error of the carried difference in those quarter hours: [\d.]+ points; carried within 5 points or within two standard errors of it: \d of 1\./);
});

t.test('the standard error of a pooled ratio, by hand', async (t) => {
  t.equal(ratioStandardError([1], [2]), null, 'one morning: none');
  t.equal(ratioStandardError([0, 0], [0, 0]), null, 'nobody answered: none');
  // R = 6/12 = 0.5; residuals 3 − 2 = 1, 3 − 4 = −1... with x = 4, 8: y − R·x = 1, −1; √(2 / 2) / 6.
  t.equal(ratioStandardError([3, 3], [4, 8]), 1 / 6);
  t.equal(ratioStandardError([2, 4, 6], [4, 8, 12]), 0, 'every morning the same ratio: no spread');
});

t.test('people are followed three minutes at a time: a call-back made after the rush takes nobody from it', async (t) => {
  // 30 calls in the first three minutes (and so in the history morning, which the check learns the rush from);
  // one call-back of the same length made during the rush or late in the quarter hour.
  const rush = Array.from({ length: 30 }, (_, i) => attempt(6 * i, { outcome: 'answered', wait: 60 }));
  const history = [{ startedAt: 1_000_000, speed: SPEED, attempts: rush.map((a) => ({ ...a, placedAt: 1_000_000 + a.placedAt })) }];
  const run = (answeredAfter: number) => ({
    scenario, speed: SPEED, practices: 1, arrivalMinutes: 15, startedAt: 0, history,
    attempts: [...rush, attempt(1, { outcome: 'callback-requested', sid: 'CB1', callbackRequested: { at: 0 } })],
    callbacks: [{ id: 'P1-x', status: 'completed', team: 'P1.reception', attempts: 1, requestedAt: '2026-12-07T08:00:00.000Z', answeredAt: new Date(Date.parse('2026-12-07T08:00:00.000Z') + answeredAfter * 1000).toISOString(), originCallId: 'twilio:CB1' }],
    missedRings: [],
  }) as unknown as RunResult;
  const [early] = comparePlan(run(60));
  const [late] = comparePlan(run(700));
  t.equal(early!.answering, late!.answering, 'the same work over the quarter hour');
  t.equal(early!.onCallbacks, late!.onCallbacks);
  t.ok(late!.carried.answeredWithinTargetPct > early!.carried.answeredWithinTargetPct, `made late: ${late!.carried.answeredWithinTargetPct}% of the rush within target; made during it: ${early!.carried.answeredWithinTargetPct}%`);
  t.equal(early!.predicted.answeredWithinTargetPct, late!.predicted.answeredWithinTargetPct, 'steady: the quarter hour as a whole, the same');
});

t.test('a receptionist the roster signs out finishes the call in hand: answering, though not on the roster', async (t) => {
  // The practice's roster drops from six to five at 08:45: receptionist 6 signs out. Records on the service's clock (the same as the run's here).
  const opening = Date.parse('2026-12-07T08:00:00.000Z');
  const iso = (second: number) => new Date(opening + second * 1000).toISOString();
  const call = (placed: number, staff: string, answered: number, ended: number) =>
    attempt(placed, { outcome: 'answered', wait: answered - placed, record: { outcome: 'answered', waitSeconds: answered - placed, talkSeconds: ended - answered, staff, arrivedAt: iso(placed), queuedAt: iso(placed), answeredAt: iso(answered), endedAt: iso(ended) } });
  const ordinary = Array.from({ length: 40 }, (_, i) => call(90 * i, 'p1-r1', 90 * i + 5, 90 * i + 60));
  const run = (attempts: CallerAttempt[]) => ({ scenario, speed: SPEED, practices: 1, arrivalMinutes: 60, startedAt: 0, attempts, callbacks: [], missedRings: [] }) as unknown as RunResult;
  // Receptionist 6 answers at 08:44 and talks until 08:46: from the sign-out at 08:45 to the wrap-up's end (15 s), 75 s.
  const rows = comparePlan(run([...ordinary, call(2630, 'p1-r6', 2640, 2760)]));
  t.equal(rows[3]!.finishing, round1(75 / 900), 'signed out, finishing a call: 75 s of the quarter hour');
  t.equal(rows[3]!.answering, round1(5 + 75 / 900), 'the roster\'s five and the time of the one finishing');
  t.equal(rows[2]!.finishing, 0, 'before the sign-out the call is the roster\'s');
  // The same call by receptionist 5, still on the roster, and one by receptionist 6 taken as they join at 08:15: nobody finishing.
  const others = comparePlan(run([...ordinary, call(2630, 'p1-r5', 2640, 2760), call(890, 'p1-r6', 901, 1000)]));
  t.same(others.map((r) => r.finishing), [0, 0, 0, 0], 'only a person signed out while on a call');
});

t.test('after the calls stop, callers still waiting meet the people the records show until the run stopped', async (t) => {
  // 80 calls over the first quarter hour on four people leave a queue at 08:15, when the roster has six;
  // the run's last call ends by 08:30. One call-back is made at 08:15:30 (into that queue) or at 08:29.
  const calls = Array.from({ length: 80 }, (_, i) => attempt(11 * i + 5, { outcome: 'answered', wait: 60 }));
  const run = (callbackAfter: number | undefined, stoppedAt: number | undefined) => ({
    scenario, speed: SPEED, practices: 1, arrivalMinutes: 15, startedAt: 0, stoppedAt: stoppedAt === undefined ? undefined : (stoppedAt * 1000) / SPEED,
    attempts: [...calls, ...(callbackAfter === undefined ? [] : [attempt(1, { outcome: 'callback-requested', sid: 'CB1', callbackRequested: { at: 0 } })])],
    callbacks: callbackAfter === undefined ? [] : [{ id: 'P1-x', status: 'completed', team: 'P1.reception', attempts: 1, requestedAt: '2026-12-07T08:00:00.000Z', answeredAt: new Date(Date.parse('2026-12-07T08:00:00.000Z') + callbackAfter * 1000).toISOString(), originCallId: 'twilio:CB1' }],
    missedRings: [],
  }) as unknown as RunResult;
  const [intoQueue] = comparePlan(run(930, 1800));
  const [afterIt] = comparePlan(run(1740, 1800));
  const [stopped] = comparePlan(run(undefined, 1800));
  const [unknown] = comparePlan(run(undefined, undefined));
  t.equal(intoQueue!.answering, 4, 'the quarter hour\'s own people are the same: the call-back is made after it');
  t.equal(afterIt!.answering, 4);
  // Fewer people for the queue left at 08:15: more of it hangs up (and, of those answered, the share within target is not bound to fall: the ones who would have been answered late hang up instead).
  t.ok(intoQueue!.carried.abandonPct > afterIt!.carried.abandonPct, `a call-back made into the queue left at 08:15: ${intoQueue!.carried.abandonPct}% hang up; made once it has gone: ${afterIt!.carried.abandonPct}%`);
  t.ok(stopped!.carried.abandonPct < unknown!.carried.abandonPct, `six people from 08:15 as the roster has them: ${stopped!.carried.abandonPct}% hang up; with no record of how long the run went on, the last step's four for ever: ${unknown!.carried.abandonPct}%`);
  t.not(stopped!.carried.answeredWithinTargetPct, unknown!.carried.answeredWithinTargetPct, 'and a different share within target');
  t.equal(intoQueue!.predicted.answeredWithinTargetPct, afterIt!.predicted.answeredWithinTargetPct, 'steady: the quarter hour on its own, the same');
});

t.test('several runs: each run\'s mornings with the handle time that run lived, its answer delay from its own records', async (t) => {
  // Every run's service clock shows the same morning and its receptionists the same names: here one
  // receptionist, P1-r1, answers 21 waiting callers in a row in each run — 100 s calls 2 s apart in
  // one, 140 s calls 6 s apart in the other (free after a 15 s wrap-up to the next answer).
  const opening = Date.parse('2026-12-07T08:00:00.000Z');
  const calls = (talk: number, gap: number) =>
    Array.from({ length: 21 }, (_, i) => {
      const answeredAt = opening + (10 + i * (talk + 15 + gap)) * 1000;
      const at = (ms: number) => new Date(ms).toISOString();
      return attempt(5 * i, { outcome: 'answered', wait: 30, record: { outcome: 'answered', waitSeconds: 30, talkSeconds: talk, staff: 'P1-r1', queuedAt: at(opening), answeredAt: at(answeredAt), endedAt: at(answeredAt + talk * 1000) } });
    });
  const base = { scenario, speed: SPEED, practices: 1, arrivalMinutes: 15, startedAt: 0, stoppedAt: Infinity, callbacks: [], missedRings: [] };
  const runs = [
    { ...base, attempts: calls(100, 2) },
    { ...base, scenario: { ...scenario, seed: 9 }, attempts: calls(140, 6) },
  ] as unknown as RunResult[];
  const [row] = comparePlan(runs);
  t.same(row!.runHandleSeconds, [100 + 2 + 15, 140 + 6 + 15], 'talk + answer delay + wrap-up, run by run');
  t.equal(row!.handleSeconds, 120 + 4 + 15, 'every run together: the gaps of each run, never between one run\'s calls and another\'s');
  // Steady, each morning (21 calls, four people) with its own run's handle time, weighted by its answered calls (21 and 21),
  // and within the target less its own run's answer delay (2 s and 6 s: the callers waited through the ring).
  const level = (handle: number, delay: number) => erlangA({ arrivalsPerSecond: 21 / 900, handleSeconds: handle, patienceSeconds: 600 * Math.exp(0.6 ** 2 / 2), servers: 4 }).serviceLevel(120 - delay);
  t.equal(row!.predicted.answeredWithinTargetPct, round1(((level(117, 2) + level(161, 6)) / 2) * 100));
  t.not(level(161, 6), level(161, 0), 'the delay moves the figure');
  t.match(comparisonMarkdown(runs, [row!]), /a handle time of 139 s \(each run's mornings with that run's own: 117, 161 s\)/);
});
