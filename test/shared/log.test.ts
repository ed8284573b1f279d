import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import { loggerOptions, maskNumber } from '../../shared/log.js';

t.test('caller numbers never reach the log in full', async (t) => {
  const lines: string[] = [];
  const log = pino(loggerOptions('info'), new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  log.info({ from: '+447700900123', call: { From: '+447700900123', caller: '+447700900123' }, req: { body: { From: '+447700900123' } } }, 'a call');
  t.notMatch(lines.join(''), /7700900123/);
  t.match(lines.join(''), /\[redacted\]/);
});

t.test('masked numbers', async (t) => {
  t.equal(maskNumber('+447700900123'), '••••••••••123');
  t.equal(maskNumber(''), 'withheld');
  t.equal(maskNumber('anonymous'), 'withheld');
  t.equal(maskNumber(undefined), 'withheld');
});
