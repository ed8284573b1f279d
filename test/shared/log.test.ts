import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import { lazyChild, loggerOptions, maskNumber, redactUrl } from '../../shared/log.js';

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

t.test("a request's lazy child logger: made only when a line is logged, with its bindings and the same redaction", async (t) => {
  const lines: string[] = [];
  const parent = pino(loggerOptions('warn'), new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  let made = 0;
  const counting = Object.assign(Object.create(parent), { child: (b: object, o?: object) => (made++, parent.child(b, o)) }) as typeof parent;
  const log = lazyChild(counting, { reqId: 'req-7' });
  log.info({ from: '+447700900123' }, 'a webhook');
  log.debug('detail');
  t.equal(made, 0, 'levels below warn log nothing and make no child');
  t.equal(lines.length, 0);
  t.equal(log.level, 'warn');
  t.notOk(log.isLevelEnabled('info'));
  log.warn({ from: '+447700900123' }, 'something odd');
  log.error('worse');
  t.equal(made, 1, 'the child is made once, on the first line logged');
  t.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  t.equal(first.reqId, 'req-7', 'the line carries the request id');
  t.equal(first.from, '[redacted]', 'and the same redaction');
  log.child({ callId: 'c1' }).warn('from a grandchild');
  t.match(JSON.parse(lines[2]!), { reqId: 'req-7', callId: 'c1' }, "a child of it carries both bindings");

  t.equal(lazyChild(counting, { reqId: 'req-8' }).isLevelEnabled('info'), false, 'a second request\'s logger: the same levels');
  parent.level = 'info';
  lazyChild(counting, { reqId: 'req-9' }).info('now logged');
  t.match(JSON.parse(lines.at(-1)!), { reqId: 'req-9', msg: 'now logged' }, 'the parent\'s level changed: later requests\' loggers follow it');
});
