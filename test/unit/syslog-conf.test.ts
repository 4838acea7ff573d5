import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { feedsFifo, rsyslogFiles } from '../../src/daemon/syslog-conf';

const FIFO = '/var/lib/psad/psadfifo';

test('the forms that already write kern messages into the FIFO are recognised', () => {
  assert.equal(feedsFifo(`kern.info\t\t|${FIFO}\n`, FIFO), true);
  assert.equal(feedsFifo(`kern.info | ${FIFO}\n`, FIFO), true);
  assert.equal(feedsFifo(`kern.info action(type="omfile" file="${FIFO}")\n`, FIFO), true);
  assert.equal(feedsFifo(`kern.* action(type="ompipe" pipe="${FIFO}" template="raw")\n`, FIFO), true);
  assert.equal(feedsFifo(`if $syslogfacility-text == 'kern' then {\n  action(type="omfile" file = "${FIFO}")\n}\n`, FIFO), true);
});

test('comments, other files and longer paths do not count', () => {
  assert.equal(feedsFifo(`#kern.info |${FIFO}\n`, FIFO), false);
  assert.equal(feedsFifo(`  # kern.info action(type="omfile" file="${FIFO}")\n`, FIFO), false);
  assert.equal(feedsFifo(`kern.info |${FIFO}.old\n`, FIFO), false);
  assert.equal(feedsFifo(`kern.info action(type="omfile" file="${FIFO}2")\n`, FIFO), false);
  assert.equal(feedsFifo(`kern.info /var/log/kern.log\n`, FIFO), false);
  assert.equal(feedsFifo('', FIFO), false);
});

test('an rsyslog configuration includes the rsyslog.d files beside it, in name order', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psad-rsconf-'));
  try {
    const main = path.join(dir, 'rsyslog.conf');
    fs.writeFileSync(main, '$IncludeConfig /etc/rsyslog.d/*.conf\n');
    assert.deepEqual(rsyslogFiles(main), [main]);
    fs.mkdirSync(path.join(dir, 'rsyslog.d'));
    for (const n of ['psad.conf', '10-other.conf', 'README']) fs.writeFileSync(path.join(dir, 'rsyslog.d', n), '');
    assert.deepEqual(rsyslogFiles(main), [main, path.join(dir, 'rsyslog.d/10-other.conf'), path.join(dir, 'rsyslog.d/psad.conf')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
