import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { daemonLogger, LogRecord } from '../../src/text/daemon-log';

test('daemon logs: plain text in order and at once, with level and component; % and control text untouched', () => {
  const got: LogRecord[] = [];
  const log = daemonLogger('psad', (r) => got.push(r));
  const source = log.child({ component: 'source' });
  log.info('received HUP signal, re-importing psad.conf');
  assert.equal(got.length, 1, 'written before info() returns');
  source.warn('iptables syslog file /var/log/kern.log does not exist (100% %s)');
  log.error('line one\nline "two"');
  assert.deepEqual(got, [
    { level: 'info', component: 'psad', msg: 'received HUP signal, re-importing psad.conf' },
    { level: 'warn', component: 'source', msg: 'iptables syslog file /var/log/kern.log does not exist (100% %s)' },
    { level: 'error', component: 'psad', msg: 'line one\nline "two"' },
  ]);
});
