import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { runPsad } from '../helpers/run';
import { rootSkipReason, waitFor } from '../helpers/netlab';
import { readPid, pidAlive } from '../../src/daemon/pidfile';

/**
 * Reading firewall lines from a command (FW_MSG_READ_CMD, what journalctl -k
 * -f does), and the process-control options -U, -R, -K on a running psad.
 */

const skip = rootSkipReason([]);
const CONF = path.join(ROOT, 'etc', 'psad.conf');

function line(i: number): string {
  return `Nov 24 20:35:11 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.44 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=${i} PROTO=TCP SPT=40000 DPT=${1000 + i} WINDOW=1024 RES=0x00 SYN URGP=0 `;
}

function setup(name: string, extra: string[]) {
  const dir = tmpDir(name);
  const root = path.join(dir, 'root');
  const ovr = path.join(dir, 'override.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'CHECK_INTERVAL 1;', 'ENABLE_PSADWATCHD N;',
    'HOSTNAME ctl-test;', 'ENABLE_WHOIS_LOOKUPS N;', 'ENABLE_DNS_LOOKUPS N;', 'ALERTING_METHODS noemail,nosyslog;',
    `IPT_SYSLOG_FILE ${path.join(dir, 'messages')};`, ...extra, ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'messages'), '');
  const psad = (args: string[]) => runPsad(['-c', CONF, '-O', ovr, ...args]);
  const counter = () => {
    try {
      return Number(/tcp: (\d+)/.exec(fs.readFileSync(path.join(root, 'var/log/psad/packet_ctr'), 'latin1'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  return { dir, root, ovr, psad, counter, pid: () => readPid(path.join(root, 'var/run/psad/psad.pid')) };
}

test('FW_MSG_READ_CMD: the backlog is skipped, every later line is seen, a dead reader is restarted', { timeout: 120000, skip }, async () => {
  const dir = tmpDir('readcmd');
  const fifo = path.join(dir, 'feed');
  // a journalctl stand-in: prints a backlog, then copies whatever arrives in `feed`
  const cmd = path.join(dir, 'fake-journalctl');
  fs.writeFileSync(fifo, '');
  fs.writeFileSync(cmd, `#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8 9 10; do echo "${line(0).replace(/"/g, '\\"')}"; done\nexec tail -n 0 -F ${fifo}\n`, { mode: 0o755 });
  const s = setup('readcmd', ['AUTO_DETECT_JOURNALCTL N;', 'ENABLE_FW_MSG_READ_CMD Y;', `FW_MSG_READ_CMD ${cmd};`, 'USE_FW_MSG_READ_CMD_ARGS N;', 'FW_MSG_READ_MIN_PKTS 30;']);
  try {
    assert.equal(s.psad([]).status, 0);
    await waitFor('psad running', () => pidAlive(s.pid()));
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(s.counter(), 0, 'the backlog is not analysed');
    // 25 lines written at once (psad 2.4.6 saw only the first one until more data came, R10)
    fs.appendFileSync(fifo, Array.from({ length: 25 }, (_, i) => line(i + 1)).join('\n') + '\n');
    await waitFor('25 lines counted', () => s.counter() === 25, 10000, 100);
    // the reader dies: it is restarted (and reaped), and new lines are seen again
    const readerPid = readPid(path.join(s.root, 'var/run/psad/psad_fw_read.pid'));
    assert.ok(pidAlive(readerPid));
    process.kill(readerPid, 'SIGKILL');
    await waitFor('reader restarted', () => {
      const p = readPid(path.join(s.root, 'var/run/psad/psad_fw_read.pid'));
      return p !== readerPid && pidAlive(p);
    }, 10000);
    assert.ok(!pidAlive(readerPid), 'the dead reader is reaped');
    await new Promise((r) => setTimeout(r, 1500));
    fs.appendFileSync(fifo, Array.from({ length: 40 }, (_, i) => line(i + 100)).join('\n') + '\n');
    await waitFor('65 lines counted', () => s.counter() === 65, 10000, 100);
    const st = s.psad(['-S']);
    assert.match(st.stdout, /^\[\+\] psad_fw_read \(pid: \d+\)/m);
  } finally {
    s.psad(['-K']);
  }
});

test('a HUP that turns FW_MSG_READ_CMD on or off switches the source: nothing goes unread', { timeout: 120000, skip }, async () => {
  const dir = tmpDir('readcmd-hup');
  const fifo = path.join(dir, 'feed');
  const cmd = path.join(dir, 'fake-journalctl');
  fs.writeFileSync(fifo, '');
  fs.writeFileSync(cmd, `#!/bin/sh\nexec tail -n 0 -F ${fifo}\n`, { mode: 0o755 });
  const fileMode = ['AUTO_DETECT_JOURNALCTL N;', 'ENABLE_FW_MSG_READ_CMD N;', `FW_MSG_READ_CMD ${cmd};`, 'USE_FW_MSG_READ_CMD_ARGS N;', 'FW_MSG_READ_MIN_PKTS 1;'];
  const s = setup('hup-src', ['ENABLE_SYSLOG_FILE Y;', ...fileMode]);
  const base = fs.readFileSync(s.ovr, 'latin1');
  const hup = async (readCmd: boolean) => {
    fs.writeFileSync(s.ovr, base.replace(/ENABLE_FW_MSG_READ_CMD [YN];/, `ENABLE_FW_MSG_READ_CMD ${readCmd ? 'Y' : 'N'};`));
    assert.equal(s.psad(['-H']).status, 0);
    await new Promise((r) => setTimeout(r, 2500));
  };
  const messages = path.join(s.dir, 'messages');
  try {
    assert.equal(s.psad([]).status, 0);
    await waitFor('psad running', () => pidAlive(s.pid()));
    await new Promise((r) => setTimeout(r, 1500));
    fs.appendFileSync(messages, Array.from({ length: 10 }, (_, i) => line(i)).join('\n') + '\n');
    await waitFor('10 lines from the file', () => s.counter() === 10, 10000, 100);
    // on: the command is started and read
    await hup(true);
    const reader = readPid(path.join(s.root, 'var/run/psad/psad_fw_read.pid'));
    assert.ok(pidAlive(reader), 'the read command runs after the HUP');
    fs.appendFileSync(fifo, Array.from({ length: 20 }, (_, i) => line(i + 100)).join('\n') + '\n');
    await waitFor('20 more lines from the command', () => s.counter() === 30, 10000, 100);
    // off: the command is stopped, the file is read again from its end
    await hup(false);
    await waitFor('the read command stopped', () => !pidAlive(reader), 10000, 100);
    assert.ok(!fs.existsSync(path.join(s.root, 'var/run/psad/psad_fw_read.pid')));
    fs.appendFileSync(messages, Array.from({ length: 5 }, (_, i) => line(i + 200)).join('\n') + '\n');
    await waitFor('5 more lines from the file', () => s.counter() === 35, 10000, 100);
  } finally {
    s.psad(['-K']);
  }
});

test('-U prints the scan tables, -R restarts with the saved arguments, -K stops', { timeout: 120000, skip }, async () => {
  const s = setup('ctl', ['ENABLE_SYSLOG_FILE Y;', 'IMPORT_OLD_SCANS Y;']);
  try {
    assert.equal(s.psad(['--no-netstat']).status, 0);
    await waitFor('psad running', () => pidAlive(s.pid()));
    await new Promise((r) => setTimeout(r, 1500));
    fs.appendFileSync(path.join(s.dir, 'messages'), Array.from({ length: 300 }, (_, i) => line(i)).join('\n') + '\n');
    await waitFor('300 packets', () => s.counter() === 300, 10000, 100);
    const u = s.psad(['-U']);
    assert.equal(u.status, 0);
    assert.match(u.stdout, new RegExp(`USR1 signal sent to pid: ${s.pid()}`));
    assert.match(u.stdout, /\[\+\] Scan danger level hash:[\s\S]*'203\.0\.113\.44' => 3/);
    assert.match(u.stdout, /Results available in: .*scan_hash\.\d+/);
    const old = s.pid();
    const r = s.psad(['-R']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\[\+\] Stopping psad, pid: \d+\n\[\+\] Restarting psad daemons on ctl-test/);
    await waitFor('a new psad', () => s.pid() !== old && pidAlive(s.pid()));
    assert.ok(!pidAlive(old));
    assert.equal(fs.readFileSync(path.join(s.root, 'var/run/psad/psad.cmd'), 'latin1'), `-c ${CONF} -O ${s.ovr} --no-netstat\n`);
    // IMPORT_OLD_SCANS: the restarted psad knows the scanner
    assert.match(s.psad(['-S']).stdout, /SRC:  203\.0\.113\.44, DL: 3/);
    const k = s.psad(['-K']);
    assert.match(k.stdout, /Stopping psad/);
    await waitFor('stopped', () => !pidAlive(s.pid()) && !fs.existsSync(path.join(s.root, 'var/run/psad/psad.pid')));
    const st = s.psad(['-S']);
    assert.equal(st.status, 1);
    assert.match(st.stdout, /pid file .*psad\.pid does not exist for psad on ctl-test/);
  } finally {
    s.psad(['-K']);
  }
});
