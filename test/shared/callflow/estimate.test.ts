import t from 'tap';
import { roundedMinutes } from '../../../shared/callflow/estimate.js';
import { prompts } from '../../../shared/callflow/prompts.js';

t.test('what the caller hears', async (t) => {
  t.equal(prompts.position(3), 'You are number 3 in the queue.');
  t.equal(prompts.position(1), 'You are number 1 in the queue. You are next.');
  t.equal(prompts.wait({ basis: 'none' }), 'We will answer as soon as someone is free.');
  t.equal(prompts.wait({ basis: 'observed', seconds: 40 }), 'We expect to answer you in less than a minute.');
  t.equal(prompts.wait({ basis: 'observed', seconds: 240 }), 'The wait is about 4 minutes.');
  t.equal(prompts.wait({ basis: 'observed', seconds: 70 }), 'The wait is about 1 minute.');
  t.equal(prompts.wait({ basis: 'hedged', seconds: 240 }), 'The wait may be about 4 minutes, but we cannot be sure yet.');
  t.equal(prompts.wait({ basis: 'observed', seconds: 17 * 60 }), 'The wait is about 15 minutes.', 'past ten minutes, to the nearest five');
  t.equal(prompts.wait({ basis: 'observed', seconds: 2 * 3600 }), 'The wait is likely to be more than an hour.');
  t.equal(roundedMinutes(89), 1);
  t.equal(roundedMinutes(91), 2);
  t.equal(roundedMinutes(12.4 * 60), 10);
  t.equal(roundedMinutes(13 * 60), 15);
});
