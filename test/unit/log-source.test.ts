import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { tmpDir } from '../helpers/paths';
import { FileTail } from '../../src/ingest/file-tail';
import { DeliveryCheck, KernelLog } from '../../src/daemon/delivery-check';
import { parseSourceStatus, sourceStatusLines, sourceStatusText, SourceStatus } from '../../src/daemon/source-status';
import { compileFilter } from '../../src/daemon/kmsgsd';
import { enlargePipe } from '../../src/daemon/pipe-size';
import { fifoConfLine, feedsFifo } from '../../src/daemon/syslog-conf';

function withDir(name: string, fn: (dir: string) => void): void {
  const dir = tmpDir(name);
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('FileTail: a missing file is reported once, not created, and read from its start when it appears', () => {
  withDir('tail-missing', (dir) => {
    const f = path.join(dir, 'messages');
    const log: string[] = [];
    const t = new FileTail(f, 'IPT_SYSLOG_FILE', (m) => log.push(m));
    assert.equal(t.open('end'), false);
    assert.equal(t.state, 'missing');
    assert.deepEqual(log, [`IPT_SYSLOG_FILE ${f} does not exist; psad does not create it and reads it when it appears`]);
    const lines: string[] = [];
    t.read(lines);
    t.read(lines);
    assert.deepEqual(lines, []);
    assert.equal(log.length, 1, 'said once');
    assert.equal(fs.existsSync(f), false, 'not created');
    fs.writeFileSync(f, 'one\ntwo\nthr');
    t.read(lines);
    assert.deepEqual(lines, ['one', 'two']);
    assert.equal(t.state, 'reading');
    assert.equal(log[1], `IPT_SYSLOG_FILE ${f} exists now; reading it from its start`);
    fs.appendFileSync(f, 'ee\n');
    t.read(lines);
    assert.deepEqual(lines, ['one', 'two', 'three']);
    // rotated by rename: the old file's rest, then the new file from its start
    fs.appendFileSync(f, 'four\n');
    fs.renameSync(f, `${f}.1`);
    t.read(lines);
    assert.equal(log.at(-1), `IPT_SYSLOG_FILE ${f} was removed or renamed; reading the rest of it and waiting for the new file`);
    assert.deepEqual(lines.slice(3), ['four']);
    fs.writeFileSync(f, 'five\n');
    t.read(lines);
    assert.deepEqual(lines.slice(4), ['five']);
    assert.equal(log.at(-1), `iptables syslog file ${f} shrank or was rotated, so re-opening`);
    // an unreadable path (a directory) is reported with the reason
    const d = path.join(dir, 'dir');
    fs.mkdirSync(d);
    const log2: string[] = [];
    const t2 = new FileTail(d, 'FW_DATA_FILE', (m) => log2.push(m));
    t2.open('end');
    const l2: string[] = [];
    t2.read(l2);
    assert.equal(t2.state, 'reading', 'a directory opens');
    assert.match(log2[0], /^could not read FW_DATA_FILE .*dir: EISDIR/);
  });
});

test('FileTail: resumes at a saved position in the same file, from the start of a replaced one', () => {
  withDir('tail-resume', (dir) => {
    const f = path.join(dir, 'fwdata');
    fs.writeFileSync(f, 'a\nb\n');
    const t = new FileTail(f, 'FW_DATA_FILE', () => undefined);
    t.open('end');
    const pos = t.position();
    assert.equal(pos.offset, 4);
    t.close();
    fs.appendFileSync(f, 'c\nd\n');
    const t2 = new FileTail(f, 'FW_DATA_FILE', () => undefined);
    t2.open(pos);
    const lines: string[] = [];
    t2.read(lines);
    assert.deepEqual(lines, ['c', 'd'], 'the lines written while no psad ran');
    fs.renameSync(f, `${f}.old`);
    fs.writeFileSync(f, 'e\n');
    const t3 = new FileTail(f, 'FW_DATA_FILE', () => undefined);
    t3.open(pos);
    const l3: string[] = [];
    t3.read(l3);
    assert.deepEqual(l3, ['e'], 'another file: all of it');
  });
});

test('DeliveryCheck: quiet host never stalls; kernel messages without delivery stall after the grace time, once', () => {
  const d = new DeliveryCheck(10);
  for (let t = 0; t < 100; t += 5) {
    d.delivered(0, t);
    d.kernel(0, t);
    assert.equal(d.check(t), null);
  }
  d.delivered(3, 100);
  d.kernel(3, 100);
  assert.equal(d.check(105), null, 'within the grace time');
  d.delivered(3, 106);
  assert.equal(d.check(120), null, 'delivered');
  d.kernel(2, 120);
  d.kernel(5, 125);
  assert.equal(d.check(129), null);
  assert.equal(d.check(130), 'stalled');
  assert.equal(d.stalledSince, 120);
  assert.equal(d.undelivered, 7);
  d.kernel(1, 131);
  assert.equal(d.check(140), null, 'reported once');
  assert.equal(d.undelivered, 8);
  assert.equal(d.delivered(1, 150), 'resumed');
  assert.equal(d.stalledSince, 0);
  assert.equal(d.kernelTotal, 11);
  assert.equal(d.deliveredTotal, 7);
});

test('KernelLog counts the records that pass the kmsgsd filter, from the end of what is there', () => {
  withDir('kmsg', (dir) => {
    // a regular file stands in for /dev/kmsg: one record per read is what the device gives, a file gives all
    const f = path.join(dir, 'kmsg');
    fs.writeFileSync(f, '6,1,10,-;DROP IN=eth0 OUT= SRC=1.2.3.4\n');
    const k = new KernelLog(compileFilter({ searchAll: true, patterns: [], sidStr: '' }), f);
    assert.equal(k.open(), true);
    assert.equal(k.poll(), 0, 'what was there is not counted');
    const missing = new KernelLog(compileFilter({ searchAll: true, patterns: [], sidStr: '' }), path.join(dir, 'none'));
    assert.equal(missing.open(), false);
    assert.match(missing.problem, /none: ENOENT/);
  });
});

test('source status: written and read back, and what -S prints', () => {
  const s: SourceStatus = {
    variable: 'FW_DATA_FILE', path: '/var/log/psad/fwdata', via: 'kmsgsd from PSAD_FIFO_FILE /var/lib/psad/psadfifo',
    state: 'reading', detail: '', since: 1700000000, read: 12, parsed: 10, ignored: 1, rejected: 1, lastLine: 1700000100,
    inode: 1234, offset: 5678, kernel: 'on', kernelMessages: 11, stalledSince: 0,
  };
  const back = parseSourceStatus(sourceStatusText(s));
  assert.deepEqual(back, s);
  const text = sourceStatusLines(s).join('');
  assert.match(text, /^ {4}Firewall log source: FW_DATA_FILE \/var\/log\/psad\/fwdata, written by kmsgsd from PSAD_FIFO_FILE \/var\/lib\/psad\/psadfifo\n/);
  assert.match(text, /: 12 lines read, 10 parsed, 1 ignored, 1 rejected\n/);
  assert.match(text, /Kernel log check: 11 firewall messages logged by the kernel since start, delivered\n/);
  const missing = sourceStatusLines({ ...s, variable: 'IPT_SYSLOG_FILE', path: '/var/log/messages', via: '', state: 'missing', detail: 'no such file', stalledSince: 1700000050 }).join('');
  assert.match(missing, /MISSING: \/var\/log\/messages does not exist; psad waits for it\n/);
  assert.match(missing, /NOT DELIVERED: 11 firewall messages logged by the kernel since start, none of them reached psad since /);
  assert.equal(parseSourceStatus('garbage'), null);
});

test('the line psad adds for rsyslog is an omfile action psad recognises; syslogd keeps the pipe line', () => {
  const fifo = '/var/lib/psad/psadfifo';
  const r = fifoConfLine('rsyslogd', fifo);
  assert.match(r, /^kern\.info\t+action\(type="omfile" file="\/var\/lib\/psad\/psadfifo" template="RSYSLOG_TraditionalFileFormat"/);
  assert.equal(feedsFifo(r, fifo), true);
  assert.equal(fifoConfLine('syslogd', fifo), `kern.info\t\t|${fifo}`);
  assert.equal(feedsFifo(fifoConfLine('syslogd', fifo), fifo), true);
});

test('enlargePipe gives a FIFO the largest buffer the system allows', { skip: spawnSync('perl', ['-v']).error ? 'needs perl' : false }, () => {
  withDir('pipe', (dir) => {
    const f = path.join(dir, 'fifo');
    spawnSync('mkfifo', [f]);
    // the buffer belongs to the open pipe: keep it open while asking
    const fd = fs.openSync(f, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    try {
      const r = enlargePipe(f, 1 << 20);
      assert.deepEqual(r, { size: 1 << 20 });
      // the buffer holds 1 MiB without a reader
      const line = Buffer.alloc(1000, 0x41);
      let written = 0;
      for (;;) {
        try {
          written += fs.writeSync(fd, line);
        } catch {
          break;
        }
      }
      assert.ok(written >= 1000 * 1000, `${written} bytes fit`);
    } finally {
      fs.closeSync(fd);
    }
    assert.match(JSON.stringify(enlargePipe(path.join(dir, 'none'))), /"error":"perl: .*No such file/);
  });
});

test('Mailer outbox: a mail is on disk until delivered; what a killed psad left there is sent by the next one', async () => {
  const { Mailer } = await import('../../src/alert/mailer');
  const dir = tmpDir('outbox');
  try {
    const outbox = path.join(dir, 'outgoing_mail');
    const got = path.join(dir, 'got');
    // a sendmail that is slow (the "crash" happens while it runs) and one that records
    const slow = path.join(dir, 'slow-sendmail');
    const slowPid = path.join(dir, 'slow.pid');
    fs.writeFileSync(slow, `#!/bin/sh\ncat >/dev/null\necho $$ >> ${slowPid}\nexec sleep 30\n`, { mode: 0o755 });
    const rec = path.join(dir, 'sendmail');
    fs.writeFileSync(rec, `#!/bin/sh\ncat >> ${got}\n`, { mode: 0o755 });
    const opts = (sendmail: string) => ({
      addresses: 'root@localhost', appendHeader: 'NONE', enabled: true, onError: () => undefined,
      transport: { kind: 'sendmail' as const, path: sendmail }, outbox, timeoutMs: 60000,
    });
    const dead = new Mailer(opts(slow));
    dead.send('[psad-alert] DL3 src: 10.0.0.2 dst: 10.0.0.1', 'first\n');
    dead.send('[psad-alert] DL3 src: 10.0.0.3 dst: 10.0.0.1', 'second\n');
    assert.equal(fs.readdirSync(outbox).filter((f) => f.endsWith('.json')).length, 2, 'written before they are sent');
    // the next psad (this one is never asked to finish: it was "killed")
    const next = new Mailer(opts(rec));
    assert.equal(next.recover(), 2);
    await next.idle(10000);
    const text = fs.readFileSync(got, 'latin1');
    assert.ok(text.indexOf('first') >= 0 && text.indexOf('first') < text.indexOf('second'), 'both, oldest first');
    assert.match(text, /Subject: \[psad-alert\] DL3 src: 10\.0\.0\.2 dst: 10\.0\.0\.1/);
    assert.deepEqual(fs.readdirSync(outbox), [], 'removed once delivered');
    next.send('[psad-status] third', '');
    await next.idle(10000);
    assert.deepEqual(fs.readdirSync(outbox), []);
    assert.equal(next.recover(), 0);
    for (let i = 0; i < 100 && !fs.existsSync(slowPid); i++) await new Promise((r) => setTimeout(r, 50));
    for (const p of fs.readFileSync(slowPid, 'latin1').split('\n').filter((x) => x)) {
      try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ }
    }
    dead.close();
    next.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
