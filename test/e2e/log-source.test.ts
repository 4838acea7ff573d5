import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { ROOT, PSAD_BIN, tmpDir } from '../helpers/paths';
import { PrivateRsyslog, rootSkipReason, waitFor } from '../helpers/netlab';
import { CONF, Procs, linesWith, psadCmd, reportSources, sleep } from '../helpers/daemon-lab';

/**
 * The log source as an administrator meets it: IPT_SYSLOG_FILE missing at
 * start, then appearing, then rotated; a foreground psad; a read command.
 * At each step: what psad writes to syslog (through a private rsyslogd),
 * to stderr, and what `psad -S` says about the source.
 */

const skip = rootSkipReason(['rsyslogd', 'flock']);

function synLine(src: string, port: number): string {
  return `Dec  6 04:00:00 fw kernel: DROP IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${src} DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=45 ID=${port} PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0 \n`;
}
const synLines = (src: string, from: number, n: number) => Array.from({ length: n }, (_, i) => synLine(src, from + i)).join('');

/** The source lines of -S (from "Firewall log source:" to the blank line). */
function sourceBlock(status: string): string {
  const i = status.indexOf('    Firewall log source:');
  return i < 0 ? '' : status.slice(i, status.indexOf('\n\n', i));
}

test('IPT_SYSLOG_FILE missing, then appearing, then rotated: syslog, stderr and -S at each step', { skip, timeout: 120000 }, async () => {
  const dir = tmpDir('source-e2e');
  const procs = new Procs();
  const rsyslog = new PrivateRsyslog(dir, [`local7.* action(type="omfile" file="${path.join(dir, 'psad.log')}" template="RSYSLOG_TraditionalFileFormat")`], { kernel: false });
  const log = path.join(dir, 'psad.log');
  const syslog = (s: string) => linesWith(log, s).map((l) => l.slice(l.indexOf(' psad: ') + 7));
  try {
    await rsyslog.start();
    const root = path.join(dir, 'root');
    const messages = path.join(dir, 'messages');
    const ovr = path.join(dir, 'override.conf');
    fs.writeFileSync(ovr, [
      `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${messages};`,
      'CHECK_INTERVAL 1;', 'HOSTNAME fw-source;', 'ALERTING_METHODS noemail;', `SYSLOG_SOCKET ${rsyslog.socket};`,
      'ENABLE_DNS_LOOKUPS N;', 'ENABLE_WHOIS_LOOKUPS N;', 'AUTO_DETECT_JOURNALCTL N;', 'ENABLE_PSADWATCHD N;', '',
    ].join('\n'));
    procs.addPidFile(path.join(root, 'var/run/psad/psad.pid'));
    const S = () => psadCmd(ovr, ['-S']).stdout;

    // 1. missing: said once on stderr (where the administrator started it) and in syslog; not created
    const missing = `IPT_SYSLOG_FILE ${messages} does not exist; psad does not create it and reads it when it appears`;
    const start = spawnSync(process.execPath, [PSAD_BIN, '-c', CONF, '-O', ovr, '--no-fwcheck'], { encoding: 'latin1', timeout: 60000 });
    assert.equal(start.status, 0, start.stderr);
    assert.equal(start.stderr, `[-] ${missing}\n`);
    await waitFor('the syslog message', () => syslog(missing).length === 1, 10000);
    let block = sourceBlock(S());
    assert.match(block, new RegExp(`^ {4}Firewall log source: IPT_SYSLOG_FILE ${messages}\n {8}MISSING: ${messages} does not exist; psad waits for it\n {8}Since .*: 0 lines read, 0 parsed, 0 ignored, 0 rejected\n {8}Last line read: \\[none yet\\]\n`));
    await sleep(3000);
    assert.equal(syslog(missing).length, 1, 'said once');
    assert.equal(fs.existsSync(messages), false, 'psad did not create it');

    // 2. it appears: read from its start
    fs.writeFileSync(messages, `${synLines('203.0.113.7', 1, 50)}Dec  6 04:00:01 fw sshd[99]: not a firewall line\nDec  6 04:00:02 fw kernel: DROP IN= OUT= SRC=x\n`);
    await waitFor('the appearance in syslog', () => syslog(`IPT_SYSLOG_FILE ${messages} exists now; reading it from its start`).length === 1, 10000);
    await waitFor('-S counting the lines', () => /52 lines read/.test(sourceBlock(S())), 10000, 250);
    block = sourceBlock(S());
    assert.doesNotMatch(block, /MISSING/);
    assert.match(block, /: 52 lines read, 50 parsed, 1 ignored, 1 rejected\n {8}Last line read: \w{3} \w{3} /);
    assert.equal(reportSources(S()).get('203.0.113.7')?.pkts, 50);

    // 3. rotated: lines written to the old file after the rename, then the new file, all read
    fs.renameSync(messages, `${messages}.1`);
    fs.appendFileSync(`${messages}.1`, synLines('203.0.113.7', 51, 5));
    await waitFor('the removal in syslog', () => syslog(`IPT_SYSLOG_FILE ${messages} was removed or renamed; reading the rest of it and waiting for the new file`).length === 1, 10000);
    fs.writeFileSync(messages, synLines('203.0.113.7', 56, 10));
    await waitFor('the rotation in syslog', () => syslog(`iptables syslog file ${messages} shrank or was rotated, so re-opening`).length === 1, 10000);
    await waitFor('-S with every line', () => /67 lines read, 65 parsed/.test(sourceBlock(S())), 10000, 250);
    assert.equal(reportSources(S()).get('203.0.113.7')?.pkts, 65, 'no line lost in the rotation');
    assert.equal(syslog(missing).length, 1, 'the rotation did not count as missing');
    psadCmd(ovr, ['-K']);

    // in the foreground (--no-daemon) the messages go to stderr too, as they happen
    fs.rmSync(messages);
    const fg = spawn(process.execPath, [PSAD_BIN, '-c', CONF, '-O', ovr, '--no-fwcheck', '--no-daemon'], { stdio: ['ignore', 'ignore', 'pipe'] });
    procs.add(fg);
    let err = '';
    fg.stderr!.on('data', (d) => (err += d));
    await waitFor('stderr: missing', () => err.includes(`[-] ${missing}\n`), 10000);
    fs.writeFileSync(messages, synLine('203.0.113.8', 1));
    await waitFor('stderr: appeared', () => err.includes(`[-] IPT_SYSLOG_FILE ${messages} exists now; reading it from its start\n`), 10000);
    assert.equal(err, `[-] ${missing}\n[-] IPT_SYSLOG_FILE ${messages} exists now; reading it from its start\n`);
    fg.kill('SIGTERM');
    await new Promise((r) => fg.once('exit', r));

    // a read command (journalctl -k -f in real life): -S names it and counts its lines
    const feed = path.join(dir, 'feed');
    fs.writeFileSync(feed, '');
    const reader = path.join(dir, 'reader.sh');
    fs.writeFileSync(reader, `#!/bin/sh\nexec tail -n 0 -F ${feed}\n`, { mode: 0o755 });
    fs.appendFileSync(ovr, `ENABLE_FW_MSG_READ_CMD Y;\nFW_MSG_READ_CMD ${reader};\nUSE_FW_MSG_READ_CMD_ARGS N;\n`);
    procs.addPidFile(path.join(root, 'var/run/psad/psad_fw_read.pid'));
    const r2 = psadCmd(ovr, ['--no-fwcheck']);
    assert.equal(r2.status, 0, r2.stderr);
    await waitFor('the command source in syslog', () => syslog(`reading firewall messages from FW_MSG_READ_CMD ${reader}`).length === 1, 10000);
    await sleep(2000);
    fs.appendFileSync(feed, synLines('203.0.113.9', 1, 20));
    await waitFor('-S counting the command\'s lines', () => /20 lines read, 20 parsed/.test(sourceBlock(S())), 15000, 250);
    assert.match(sourceBlock(S()), new RegExp(`^ {4}Firewall log source: FW_MSG_READ_CMD ${reader}\n`));
    psadCmd(ovr, ['-K']);
  } finally {
    await procs.stopAll();
    await rsyslog.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
