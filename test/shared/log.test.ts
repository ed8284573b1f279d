import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import { loggerOptions, maskNumber, redactUrl } from '../../shared/log.js';

t.test('caller numbers never reach the log in full', async (t) => {
  const lines: string[] = [];
  const log = pino(loggerOptions('info'), new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  log.info({ from: '+447700900123', call: { From: '+447700900123', caller: '+447700900123' }, req: { body: { From: '+447700900123' } } }, 'a call');
  t.notMatch(lines.join(''), /7700900123/);
  t.match(lines.join(''), /\[redacted\]/);
});

t.test("a call search's digits never reach the log", async (t) => {
  const lines: string[] = [];
  const log = pino(loggerOptions('info'), new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  log.info({ req: { method: 'GET', url: '/v1/practices/F81001/calls/search?from=2026-06-16&digits=0123&team=reception', ip: '10.0.0.1' } }, 'incoming request');
  t.match(lines.join(''), '"url":"/v1/practices/F81001/calls/search?from=2026-06-16&digits=[redacted]&team=reception"');
  t.match(lines.join(''), '"remoteAddress":"10.0.0.1"', "Fastify's other request fields kept");
  t.equal(redactUrl('/x?digits=123'), '/x?digits=[redacted]');
  t.equal(redactUrl('/x?DIGITS=123#top'), '/x?DIGITS=[redacted]#top');
  t.equal(redactUrl('/x?nodigits=1&d=2'), '/x?nodigits=1&d=2', 'only the digits parameter');
});

t.test('masked numbers', async (t) => {
  t.equal(maskNumber('+447700900123'), '••••••••••123');
  t.equal(maskNumber(''), 'withheld');
  t.equal(maskNumber('anonymous'), 'withheld');
  t.equal(maskNumber(undefined), 'withheld');
});
