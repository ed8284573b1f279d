import { CallerSide, type CallerPlan } from './callers.js';

/**
 * One of the simulator's worker processes (simulator-workers.ts forks it): its own provider
 * emulator for its share of the practices. Tells the parent its emulator's URL, begins on the
 * parent's plan, reports what its callers are doing every 250 ms, and hands back its results on stop.
 */
type FromParent = { type: 'begin'; plan: CallerPlan } | { type: 'stop' };

const side = new CallerSide();
const send = (message: unknown) => process.send!(message);
let reporting: NodeJS.Timeout | undefined;

process.on('message', (message: FromParent) => {
  if (message.type === 'begin') {
    side.begin(message.plan);
    reporting = setInterval(() => send({ type: 'counts', counts: side.counts() }), 250);
  } else {
    clearInterval(reporting);
    void side.stop().then((results) => send({ type: 'results', results }));
  }
});
// The parent gone, the run is over.
process.on('disconnect', () => void side.close().then(() => process.exit(0)));
send({ type: 'ready', url: await side.start() });
