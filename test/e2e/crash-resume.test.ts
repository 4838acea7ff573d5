import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, PSAD_BIN, tmpDir } from '../helpers/paths';
import { NetLab, PrivateRsyslog, rootSkipReason, waitFor } from '../helpers/netlab';
import { CONF, Procs, linesWith, psadCmd, receivedMails, reportSources, settled, startSmtp, sleep, waitForMail } from '../helpers/daemon-lab';
import { pidAlive, readPid } from '../../src/daemon/pidfile';

/**
 * A crash on a firewall host: rsyslog writes the kernel log into the FIFO
 * with psad 2.4.6's `kern.info |FIFO` line, kmsgsd keeps fwdata, psad and
 * psadwatchd run as the init script starts them. psad is killed with
 * SIGKILL right after a real nmap scan; psadwatchd restarts it; the new psad
 * resumes (scan table, danger level, e-mail counter) and the next scan adds
 * to it; kmsgsd is left running, no line is lost. Then kmsgsd stops reading
 * while the kernel goes on logging: psad says so.
 */

const skip = rootSkipReason(['ip', 'iptables', 'nmap', 'rsyslogd', 'flock']);
const NET = 92;

interface Lab {
  dir: string;
  root: string;
  ovr: string;
  lab: NetLab;
  rsyslog: PrivateRsyslog;
  procs: Procs;
  kernLog: string;
  alertLog: string;
  smtpDir: string;
  mailLog: string;
}

let L: Lab | null = null;

const run = (l: Lab, n: string) => path.join(l.root, 'var/run/psad', `${n}.pid`);
const pidOf = (l: Lab, n: string) => readPid(run(l, n));
const status = (l: Lab) => psadCmd(l.ovr, ['-S'], l.lab.fw);
/** The scanner's kernel lines so far (rsyslog's own copy of the kernel log). */
const kernLines = (l: Lab) => linesWith(l.kernLog, `SRC=${l.lab.scanIp} `).length;
const fwdataLines = (l: Lab) => linesWith(path.join(l.root, 'var/log/psad/fwdata'), `SRC=${l.lab.scanIp} `).length;

async function alertMails(l: Lab): Promise<{ subject: string; body: string }[]> {
  return (await receivedMails(l.smtpDir)).map((m) => ({ subject: m.mail.subject ?? '', body: m.mail.text ?? '' }))
    .filter((m) => m.subject.startsWith('[psad-alert]'));
}

before(async () => {
  if (skip) return;
  const dir = tmpDir('crash-e2e');
  const root = path.join(dir, 'root');
  const lab = new NetLab({ net: NET });
  const procs = new Procs();
  lab.up();
  const fifo = path.join(root, 'var/lib/psad/psadfifo');
  fs.mkdirSync(path.dirname(fifo), { recursive: true, mode: 0o700 });
  spawnSync('mkfifo', ['-m', '600', fifo]);
  const kernLog = path.join(dir, 'kern.log');
  const alertLog = path.join(dir, 'alerts.log');
  // psad 2.4.6's line (rsyslog's ompipe), in the file psad checks and in the running rsyslog
  fs.writeFileSync(path.join(dir, 'rsyslog.conf'), `kern.info\t\t|${fifo}\n`);
  const rsyslog = new PrivateRsyslog(dir, [
    `kern.* action(type="omfile" file="${kernLog}" template="RSYSLOG_TraditionalFileFormat")`,
    `kern.info action(type="ompipe" pipe="${fifo}" template="RSYSLOG_TraditionalFileFormat")`,
    `local7.* action(type="omfile" file="${alertLog}" template="RSYSLOG_TraditionalFileFormat")`,
  ]);
  L = { dir, root, ovr: path.join(dir, 'override.conf'), lab, rsyslog, procs, kernLog, alertLog, smtpDir: path.join(dir, 'smtp'), mailLog: path.join(dir, 'mail.log') };
  await rsyslog.start();
  await startSmtp(procs, lab.fw, '127.0.0.1', 2526, L.smtpDir);
  // psadwatchd mails with mailCmd: a stand-in records it
  const mail = path.join(dir, 'mail.sh');
  fs.writeFileSync(mail, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${L.mailLog}\ncat > /dev/null\n`, { mode: 0o755 });
  fs.writeFileSync(L.ovr, [
    `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;',
    `ETC_RSYSLOG_CONF ${path.join(dir, 'rsyslog.conf')};`, 'CHECK_INTERVAL 1;', 'ENABLE_PSADWATCHD Y;', 'PSADWATCHD_CHECK_INTERVAL 1;',
    'HOSTNAME fw-crash;', 'EMAIL_ADDRESSES root@localhost;', 'SMTP_HOST 127.0.0.1;', 'SMTP_PORT 2526;', 'SMTP_STARTTLS N;',
    `mailCmd ${mail};`, `SYSLOG_SOCKET ${rsyslog.socket};`, 'ENABLE_DNS_LOOKUPS N;', 'ENABLE_WHOIS_LOOKUPS N;', 'AUTO_DETECT_JOURNALCTL N;', '',
  ].join('\n'));
  for (const n of ['psadwatchd', 'kmsgsd', 'psad']) procs.addPidFile(run(L, n));
  // started as the init script starts it (IMPORT_OLD_SCANS N and TRUNCATE_FWDATA Y: psad.conf's defaults)
  const r = spawnSync('ip', ['netns', 'exec', lab.fw, process.execPath, PSAD_BIN, '-c', CONF, '-O', L.ovr], { encoding: 'latin1', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const l = L;
  await waitFor('psad, kmsgsd and psadwatchd', () => ['psad', 'kmsgsd', 'psadwatchd'].every((n) => pidAlive(pidOf(l, n))), 20000);
  await waitFor('psad reading fwdata', () => linesWith(alertLog, 'reading firewall messages from FW_DATA_FILE').length > 0, 20000);
  await sleep(1000);
});

after(async () => {
  if (!L) return;
  psadCmd(L.ovr, ['-K'], L.lab.fw);
  await L.procs.stopAll();
  await L.rsyslog.stop();
  L.lab.close();
  fs.rmSync(L.dir, { recursive: true, force: true });
});

test('psad killed with SIGKILL right after a scan: psadwatchd restarts it, it resumes, the next scan adds to it', { skip, timeout: 240000 }, async () => {
  const l = L!;
  const kmsgsd = pidOf(l, 'kmsgsd');
  const psad1 = pidOf(l, 'psad');
  const mailsBefore = (await alertMails(l)).length;
  l.lab.nmap(['-sS', '-p', '1-300', l.lab.fwIp]);
  process.kill(psad1, 'SIGKILL');
  await settled(l.kernLog, 1000);
  const n1 = kernLines(l);
  assert.ok(n1 >= 300, `${n1} kernel lines`);

  // psadwatchd starts psad again with its saved arguments; that psad resumes and leaves kmsgsd alone
  const psad2 = await (async () => {
    let p = 0;
    await waitFor('psad restarted by psadwatchd', () => {
      p = pidOf(l, 'psad');
      return p !== psad1 && pidAlive(p);
    }, 15000);
    return p;
  })();
  await waitFor('the resume message', () => linesWith(l.alertLog, `psad (pid ${psad1} started `).length > 0, 10000);
  assert.match(linesWith(l.alertLog, `psad (pid ${psad1} started `)[0], /did not exit cleanly: resuming with \d+ scanning IP addresses from /);
  assert.equal(pidOf(l, 'kmsgsd'), kmsgsd, 'kmsgsd was not restarted');
  assert.ok(pidAlive(kmsgsd));
  assert.equal(linesWith(l.alertLog, 'restarting kmsgsd').length, 0);

  // -S: the scanner with every packet of the scan once, its danger level and e-mail alerts
  let s1 = reportSources('');
  await waitFor(`-S with all ${n1} packets`, () => {
    s1 = reportSources(status(l).stdout);
    return s1.get(l.lab.scanIp)?.pkts === n1;
  }, 20000, 500);
  const first = s1.get(l.lab.scanIp)!;
  assert.ok(first.dl >= 2, `DL ${first.dl}`);
  await sleep(1500);
  const mails1 = (await alertMails(l)).slice(mailsBefore);
  assert.ok(mails1.length >= 1, 'the scan was mailed');
  assert.equal(reportSources(status(l).stdout).get(l.lab.scanIp)!.emailAlerts, mails1.length);

  // the next scan adds to the resumed state: packets, danger level, e-mail counter, port range, scan start
  l.lab.nmap(['-sS', '-p', '301-600', l.lab.fwIp]);
  await settled(l.kernLog, 1000);
  const n2 = kernLines(l);
  let s2 = reportSources('');
  await waitFor(`-S with all ${n2} packets`, () => {
    s2 = reportSources(status(l).stdout);
    return s2.get(l.lab.scanIp)?.pkts === n2;
  }, 20000, 500);
  await sleep(2000);
  const second = reportSources(status(l).stdout).get(l.lab.scanIp)!;
  assert.equal(second.pkts, n2, 'every packet of both scans, none twice');
  assert.ok(second.dl >= first.dl, `DL ${first.dl} -> ${second.dl}`);
  const mails = (await alertMails(l)).slice(mailsBefore);
  assert.ok(mails.length > mails1.length, 'the second scan was mailed');
  assert.equal(second.emailAlerts, mails.length);
  const totals = mails.map((m) => Number(/^ {3}Total email alerts: (\d+)$/m.exec(m.body)?.[1]));
  assert.deepEqual(totals, totals.map((_, i) => i + 1), 'the e-mail counter goes on, it does not start again');
  const starts = new Set(mails.map((m) => /^ {3}Overall scan start: (.*)$/m.exec(m.body)?.[1]));
  assert.equal(starts.size, 1, `one scan start: ${[...starts].join(', ')}`);
  const last = mails[mails.length - 1].body;
  const ports = linesWith(l.kernLog, `SRC=${l.lab.scanIp} `).map((x) => Number(/ DPT=(\d+) /.exec(x)![1]));
  assert.match(last, new RegExp(`^ {3}Complete TCP range: \\[${Math.min(...ports)}-${Math.max(...ports)}\\]$`, 'm'));
  assert.ok(pidAlive(psad2) && pidOf(l, 'kmsgsd') === kmsgsd);
  // nothing lost between the kernel and psad
  assert.equal(fwdataLines(l), n2, 'fwdata holds every line');
});

test('kmsgsd stops reading while the kernel goes on logging: psad says so, and again when lines arrive', { skip, timeout: 120000 }, async () => {
  const l = L!;
  const kmsgsd = pidOf(l, 'kmsgsd');
  const before = kernLines(l);
  process.kill(kmsgsd, 'SIGSTOP');
  try {
    l.lab.nmap(['-sS', '-p', '2000-2099', l.lab.fwIp]);
    // the grace time is 10 s + 2 x CHECK_INTERVAL
    await waitFor('the report in syslog', () => linesWith(l.alertLog, 'none reached FW_DATA_FILE').length > 0, 30000, 250);
    const msg = linesWith(l.alertLog, 'none reached FW_DATA_FILE')[0];
    assert.match(msg, /psad: the kernel logged \d+ firewall message\(s\) since .* but none reached FW_DATA_FILE .*fwdata \(written by kmsgsd from PSAD_FIFO_FILE .*psadfifo\): is the syslog daemon writing kern\.info to .*psadfifo, and is kmsgsd running\?$/);
    const st = status(l).stdout;
    assert.match(st, /^ {8}NOT DELIVERED: \d+ firewall messages logged by the kernel since start, none of them reached psad since /m);
    const subject = '[psad-error] firewall messages do not reach psad on fw-crash';
    const mail = await waitForMail(l.smtpDir, (m) => m.mail.subject === subject);
    assert.match(mail.mail.text ?? '', /but none reached FW_DATA_FILE/);
  } finally {
    process.kill(kmsgsd, 'SIGCONT');
  }
  // the lines waited in the FIFO's buffer: all arrive, and psad says the path works again
  await waitFor('the report that lines arrive again', () => linesWith(l.alertLog, 'firewall messages reach psad again through FW_DATA_FILE').length > 0, 20000, 250);
  await waitFor('every line in fwdata', () => fwdataLines(l) === kernLines(l), 10000, 250);
  assert.ok(kernLines(l) >= before + 100);
  assert.match(status(l).stdout, /^ {8}Kernel log check: \d+ firewall messages logged by the kernel since start, delivered$/m);
});
