import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, tmpDir } from '../helpers/paths';
import { runPsad } from '../helpers/run';
import { rootSkipReason, waitFor, PrivateRsyslog } from '../helpers/netlab';
import { readPid, pidAlive } from '../../src/daemon/pidfile';
import { feedsFifo } from '../../src/daemon/syslog-conf';

/**
 * The daemon with its data sources as real processes and files: log
 * rotation of IPT_SYSLOG_FILE, a 200,000-line burst through the FIFO and
 * kmsgsd, a flood of 100,000 sources, and faults (garbage on the FIFO, a
 * deleted fwdata, a full disk, a config error on HUP).
 */

const skip = rootSkipReason(['rsyslogd', 'mount', 'mkfifo']);
const CONF = path.join(ROOT, 'etc', 'psad.conf');

function line(src: string, dst: string, dpt: number, flags = 'SYN'): string {
  return `Nov 24 20:35:11 fw kernel: DROP IN=eth0 OUT= MAC=00:1b:21:3c:4d:5e:00:21:3f:98:99:78:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=${dpt & 0xffff} PROTO=TCP SPT=40000 DPT=${dpt} WINDOW=1024 RES=0x00 ${flags} URGP=0 `;
}

interface Run {
  dir: string;
  root: string;
  ovr: string;
  psad: (args: string[]) => ReturnType<typeof runPsad>;
  pid: (name: string) => number;
  counter: (proto: string) => number;
  stop: () => void;
}

function start(name: string, conf: string[], opts: { daemon?: boolean; rsyslog?: (fifo: string, dir: string) => void } = {}): Run {
  const dir = tmpDir(name);
  const given = conf.find((c) => c.startsWith('INSTALL_ROOT'));
  const root = given ? given.replace(/^INSTALL_ROOT\s+(.*);$/, '$1') : path.join(dir, 'root');
  const ovr = path.join(dir, 'override.conf');
  // a syslog config that already sends kern.info to the FIFO, so psad leaves it alone
  const fifo = path.join(root, 'var/lib/psad/psadfifo');
  if (opts.rsyslog) opts.rsyslog(fifo, dir);
  else fs.writeFileSync(path.join(dir, 'rsyslog.conf'), `kern.info\t\t|${fifo}\n`);
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${root};`, `ETC_RSYSLOG_CONF ${path.join(dir, 'rsyslog.conf')};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'CHECK_INTERVAL 1;',
    'ENABLE_PSADWATCHD N;', 'HOSTNAME fw-test;', 'ENABLE_WHOIS_LOOKUPS N;', 'ENABLE_DNS_LOOKUPS N;', 'AUTO_DETECT_JOURNALCTL N;',
    'ALERTING_METHODS noemail;', ...conf.filter((c) => !c.startsWith('INSTALL_ROOT')), ''].join('\n'));
  const psad = (args: string[]) => runPsad(['-c', CONF, '-O', ovr, ...args]);
  const pid = (n: string) => readPid(path.join(root, 'var/run/psad', `${n}.pid`));
  const r = psad(opts.daemon === false ? ['--no-daemon'] : []);
  assert.equal(r.status, 0, r.stderr);
  return {
    dir, root, ovr, psad, pid,
    counter: (proto: string) => {
      try {
        const m = new RegExp(`^\\s*${proto}: (\\d+)$`, 'm').exec(fs.readFileSync(path.join(root, 'var/log/psad/packet_ctr'), 'latin1'));
        return m ? Number(m[1]) : 0;
      } catch {
        return 0;
      }
    },
    stop: () => {
      psad(['-K']);
      for (const n of ['psad', 'kmsgsd', 'psadwatchd']) {
        const p = pid(n);
        if (pidAlive(p)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      }
    },
  };
}

async function settle(r: Run): Promise<void> {
  await new Promise((res) => setTimeout(res, 300));
  await waitFor('psad running', () => pidAlive(r.pid('psad')));
  // the first interval skips what is already in the file
  await new Promise((res) => setTimeout(res, 1500));
}

test('ENABLE_SYSLOG_FILE N: psad adds the FIFO to rsyslog.conf only when no file of rsyslog writes it already', { timeout: 60000, skip }, async () => {
  // the FIFO written by an omfile action in rsyslog.d: nothing is added (a second writer would double every line)
  const mainText = 'module(load="imuxsock")\n$IncludeConfig /etc/rsyslog.d/*.conf\n';
  let fifoPath = '';
  const a = start('rsconf-a', ['ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;'], {
    rsyslog: (fifo, dir) => {
      fifoPath = fifo;
      fs.writeFileSync(path.join(dir, 'rsyslog.conf'), mainText);
      fs.mkdirSync(path.join(dir, 'rsyslog.d'));
      fs.writeFileSync(path.join(dir, 'rsyslog.d/psad.conf'), `kern.info action(type="omfile" file="${fifo}")\n`);
    },
  });
  try {
    await waitFor('psad and kmsgsd running', () => pidAlive(a.pid('psad')) && pidAlive(a.pid('kmsgsd')));
    assert.equal(fs.readFileSync(path.join(a.dir, 'rsyslog.conf'), 'latin1'), mainText);
  } finally {
    a.stop();
  }
  // nothing writes the FIFO: psad adds a line (an omfile action: psad 2.4.6's pipe line drops lines) and says rsyslog must restart
  const b = start('rsconf-b', ['ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;'], {
    rsyslog: (fifo, dir) => {
      fifoPath = fifo;
      fs.writeFileSync(path.join(dir, 'rsyslog.conf'), mainText);
    },
  });
  try {
    await waitFor('psad and kmsgsd running', () => pidAlive(b.pid('psad')) && pidAlive(b.pid('kmsgsd')));
    const text = fs.readFileSync(path.join(b.dir, 'rsyslog.conf'), 'latin1');
    assert.ok(text.startsWith(mainText.trimEnd()), text);
    assert.match(text, new RegExp(`^kern\\.info\\t+action\\(type="omfile" file="${fifoPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" `, 'm'));
    assert.equal(feedsFifo(text, fifoPath), true, 'the next start finds it');
  } finally {
    b.stop();
  }
});

test('log rotation of IPT_SYSLOG_FILE (rename, and truncation in place) loses no line', { timeout: 120000, skip }, async () => {
  const dir = tmpDir('rot');
  const log = path.join(dir, 'messages');
  fs.writeFileSync(log, 'Nov 24 20:00:00 fw syslogd: restart\n');
  const r = start('rot', [`IPT_SYSLOG_FILE ${log};`, 'ENABLE_SYSLOG_FILE Y;']);
  try {
    await settle(r);
    const write = (n: number, base: number) => {
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(line('203.0.113.7', '192.0.2.1', base + i));
      fs.appendFileSync(log, `${lines.join('\n')}\n`);
    };
    write(3000, 1000);
    // rotation between two intervals: the rest of the old file and the new file are both read
    write(500, 4000);
    fs.renameSync(log, `${log}.1`);
    fs.writeFileSync(log, '');
    write(2000, 5000);
    await waitFor('5500 tcp packets after a rename', () => r.counter('tcp') === 5500, 15000, 200);
    // copytruncate: the file is emptied in place
    fs.truncateSync(log, 0);
    write(700, 8000);
    await waitFor('6200 tcp packets after truncation', () => r.counter('tcp') === 6200, 15000, 200);
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(r.counter('tcp'), 6200);
  } finally {
    r.stop();
  }
});

test('200,000 lines written into the FIFO in a burst are all counted (kmsgsd -> fwdata -> psad)', { timeout: 300000, skip }, async () => {
  const r = start('burst', ['ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;']);
  try {
    await settle(r);
  } catch (e) {
    r.stop();
    throw e;
  }
  try {
    assert.ok(pidAlive(r.pid('kmsgsd')), 'kmsgsd started by psad');
    const fifo = path.join(r.root, 'var/lib/psad/psadfifo');
    const n = 200000;
    const chunks: string[] = [];
    for (let i = 0; i < n; i++) chunks.push(`${line(`198.51.${(i >> 8) & 255}.${i & 255}`, '192.0.2.1', 1 + (i % 60000))}\n`);
    // non-firewall lines in between are dropped by kmsgsd
    const text = chunks.join('') + 'Nov 24 20:35:12 fw kernel: usb 1-1: new device\n';
    const t0 = Date.now();
    const w = spawnSync('sh', ['-c', `cat > '${fifo}'`], { input: text, timeout: 120000 });
    assert.equal(w.status, 0);
    await waitFor(`${n} packets counted`, () => r.counter('tcp') === n, 120000, 250);
    const secs = (Date.now() - t0) / 1000;
    console.log(`# burst: ${n} lines through FIFO, kmsgsd and psad in ${secs.toFixed(1)} s`);
  } finally {
    r.stop();
  }
});

test('a flood of 100,000 sources with MAX_SCAN_IP_PAIRS: bounded memory, the daemon answers', { timeout: 300000, skip }, async () => {
  const dir = tmpDir('flood');
  const log = path.join(dir, 'messages');
  fs.writeFileSync(log, '');
  const r = start('flood', [`IPT_SYSLOG_FILE ${log};`, 'ENABLE_SYSLOG_FILE Y;', 'MAX_SCAN_IP_PAIRS 5000;']);
  try {
    await settle(r);
    const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${r.pid('psad')}/status`, 'latin1'))![1]);
    for (let round = 0; round < 4; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 25000; i++) {
        const k = round * 25000 + i;
        lines.push(line(`10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`, '192.0.2.1', 1 + (k % 1000)));
      }
      fs.appendFileSync(log, `${lines.join('\n')}\n`);
      await new Promise((res) => setTimeout(res, 1200));
    }
    await waitFor('100000 packets counted', () => r.counter('tcp') === 100000, 60000, 250);
    const rss = rssKb();
    assert.ok(rss < 400 * 1024, `psad RSS ${rss} kB`);
    const st = r.psad(['-S']);
    assert.equal(st.status, 0);
    const srcs = (st.stdout.match(/^SRC:/gm) ?? []).length;
    assert.ok(srcs <= 5000, `${srcs} sources tracked with MAX_SCAN_IP_PAIRS 5000`);
    const h = r.psad(['-H']);
    assert.match(h.stdout, /HUP signal sent to psad/);
    console.log(`# flood: RSS ${(rss / 1024).toFixed(0)} MB, ${srcs} sources in -S`);
  } finally {
    r.stop();
  }
});

test('faults: garbage on the FIFO, a deleted fwdata, a config error on HUP, a full disk', { timeout: 300000, skip }, async () => {
  const r = start('faults', ['ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;']);
  const rsys = new PrivateRsyslog(r.dir, [`local7.* action(type="omfile" file="${path.join(r.dir, 'syslog.log')}")`], { kernel: false });
  try {
    await settle(r);
    const fifo = path.join(r.root, 'var/lib/psad/psadfifo');
    const toFifo = (text: string | Buffer) => assert.equal(spawnSync('sh', ['-c', `cat > '${fifo}'`], { input: text }).status, 0);
    // garbage: binary data and broken lines, then good lines
    const junk = Buffer.alloc(200000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) & 255;
    toFifo(junk);
    toFifo('IN= OUT= garbage without fields\nIN=eth0 OUT= SRC=1.2.3 DST=x\n');
    toFifo(Array.from({ length: 100 }, (_, i) => line('203.0.113.9', '192.0.2.1', 100 + i)).join('\n') + '\n');
    await waitFor('100 packets after garbage', () => r.counter('tcp') === 100, 20000, 200);
    assert.ok(pidAlive(r.pid('psad')) && pidAlive(r.pid('kmsgsd')));
    const errLog = fs.readFileSync(path.join(r.root, 'var/log/psad/errs/fwerrorlog'), 'latin1');
    assert.match(errLog, /SRC=1\.2\.3 DST=x/);

    // fwdata deleted while running: kmsgsd writes a new one, psad reads it from its start
    fs.rmSync(path.join(r.root, 'var/log/psad/fwdata'));
    await new Promise((res) => setTimeout(res, 1500));
    toFifo(Array.from({ length: 50 }, (_, i) => line('203.0.113.9', '192.0.2.1', 300 + i)).join('\n') + '\n');
    await waitFor('150 packets after fwdata was deleted', () => r.counter('tcp') === 150, 20000, 200);

    // a config error on HUP: psad keeps running on the old config and says why
    await rsys.start();
    fs.appendFileSync(r.ovr, `SYSLOG_SOCKET ${rsys.socket};\n`);
    const before = r.pid('psad');
    r.psad(['-H']);
    await new Promise((res) => setTimeout(res, 1500));
    fs.writeFileSync(r.ovr, fs.readFileSync(r.ovr, 'latin1').replace('CHECK_INTERVAL 1;', 'CHECK_INTERVAL 1;\nDANGER_LEVEL2 lots;'));
    // psad -H itself refuses the broken config, so the signal is sent as an administrator would: kill -HUP
    assert.equal(r.psad(['-H']).status, 1);
    process.kill(before, 'SIGHUP');
    await waitFor('the HUP error in syslog', () => /keeping the previous configuration.*DANGER_LEVEL2 must be an integer/.test(
      fs.readFileSync(path.join(r.dir, 'syslog.log'), 'latin1')), 10000, 200);
    assert.equal(r.pid('psad'), before);
    assert.ok(pidAlive(before));
    toFifo(`${line('203.0.113.10', '192.0.2.1', 9)}\n`);
    await waitFor('still counting after the bad HUP', () => r.counter('tcp') === 151, 20000, 200);
  } finally {
    r.stop();
    await rsys.stop();
  }
});

test('a full disk: psad keeps running and detecting, and reports the disk', { timeout: 120000, skip }, async () => {
  const dir = tmpDir('disk');
  const root = path.join(dir, 'root');
  const psadDir = path.join(root, 'var/log/psad');
  fs.mkdirSync(psadDir, { recursive: true });
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'psadtest', psadDir]).status, 0);
  const log = path.join(dir, 'messages');
  fs.writeFileSync(log, '');
  let r: Run | null = null;
  try {
    const rsys = new PrivateRsyslog(dir, [`local7.* action(type="omfile" file="${path.join(dir, 'syslog.log')}")`], { kernel: false });
    await rsys.start();
    try {
      fs.writeFileSync(path.join(dir, 'extra.conf'), '');
      r = start('disk', [`INSTALL_ROOT ${root};`, `IPT_SYSLOG_FILE ${log};`, 'ENABLE_SYSLOG_FILE Y;', 'DISK_MAX_PERCENTAGE 50;',
        'DISK_CHECK_INTERVAL 1;', `SYSLOG_SOCKET ${rsys.socket};`, 'DISK_MAX_RM_RETRIES 1000;']);
      await settle(r);
      // fill the file system, then scan: detection goes on, files that do not fit are reported
      spawnSync('dd', ['if=/dev/zero', `of=${path.join(psadDir, 'fill')}`, 'bs=1k', 'count=400'], { stdio: 'ignore' });
      const lines = Array.from({ length: 2000 }, (_, i) => line(`203.0.113.${(i % 200) + 1}`, '192.0.2.1', 1 + i));
      fs.appendFileSync(log, `${lines.join('\n')}\n`);
      await new Promise((res) => setTimeout(res, 3000));
      assert.ok(pidAlive(r.pid('psad')), 'psad survives a full disk');
      const sys = fs.readFileSync(path.join(dir, 'syslog.log'), 'latin1');
      assert.match(sys, /disk partition associated with .* exceeded 50 prct utilization/);
      fs.rmSync(path.join(psadDir, 'fill'));
      fs.appendFileSync(log, `${line('203.0.113.250', '192.0.2.1', 7)}\n`);
      await waitFor('counting after space came back', () => r!.counter('tcp') === 2001, 20000, 200);
    } finally {
      r?.stop();
      await rsys.stop();
    }
  } finally {
    spawnSync('umount', ['-l', psadDir]);
  }
});
