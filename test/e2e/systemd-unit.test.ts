import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, PSAD_BIN, tmpDir } from '../helpers/paths';
import { NetLab, PrivateRsyslog, rootSkipReason, waitFor } from '../helpers/netlab';
import { CONF, Procs, linesWith, mailCount, receivedMails, settled, startSmtp, sleep } from '../helpers/daemon-lab';
import { readUnit, unitValue, systemdWords } from '../helpers/systemd-unit';
import { REFERENCE_PSAD, referenceInstalled } from '../helpers/reference';
import { mailStandIn, normalizeAlertBody, standInMails } from '../helpers/mail-compare';
import { fifoConfLine } from '../../src/daemon/syslog-conf';
import { pipeMaxSize } from '../../src/daemon/pipe-size';
import { pidAlive, readPid } from '../../src/daemon/pidfile';

/**
 * psad as systemd starts it: the shipped unit's ExecStart= (the config and
 * DAEMON_ARGS of its EnvironmentFile= substituted), with the unit's
 * NoNewPrivileges= and CapabilityBoundingSet= (setpriv) and ProtectSystem=
 * strict (everything read-only but its ReadWritePaths= and
 * RuntimeDirectory=, in a mount namespace), on a firewall namespace with
 * iptables LOG rules and rsyslog writing the FIFO with the line psad adds.
 * A real nmap scan; the alert mail arrives at an SMTP server on the
 * firewall's loopback, complete, as psad 2.4.6 writes it for the same
 * kernel lines. Then the unit's ExecReload= and ExecStop=, after a crash
 * and after a stop request.
 */

const skip = rootSkipReason(['ip', 'iptables', 'nmap', 'rsyslogd', 'flock', 'setpriv', 'unshare']);
const NET = 91;

test('systemctl start psad: the unit\'s ExecStart, hardened as the unit says, mails the full scan alert', { skip, timeout: 300000 }, async () => {
  const dir = tmpDir('unit-e2e');
  const root = path.join(dir, 'root');
  const procs = new Procs();
  const lab = new NetLab({ net: NET });
  let rsyslog: PrivateRsyslog | null = null;
  const unit = readUnit();
  const svc = (k: string) => unitValue(unit, 'Service', k);
  // the unit's paths in this test's INSTALL_ROOT
  const mapPath = (p: string) => path.join(root, p.replace(/^\/run\//, '/var/run/'));
  try {
    lab.up();
    const fifo = path.join(root, 'var/lib/psad/psadfifo');
    for (const d of ['var/log/psad', 'var/lib/psad', 'var/run/psad']) fs.mkdirSync(path.join(root, d), { recursive: true, mode: 0o700 });
    spawnSync('mkfifo', ['-m', '600', fifo]);
    const kernLog = path.join(dir, 'kern.log');
    const alertLog = path.join(dir, 'alerts.log');
    // the rsyslog line psad adds to a configuration that does not write the FIFO yet (omfile)
    const fifoLine = fifoConfLine('rsyslogd', fifo);
    fs.writeFileSync(path.join(dir, 'rsyslog.conf'), `${fifoLine}\n`);
    rsyslog = new PrivateRsyslog(dir, [
      `kern.* action(type="omfile" file="${kernLog}" template="RSYSLOG_TraditionalFileFormat")`,
      fifoLine,
      `local7.* action(type="omfile" file="${alertLog}" template="RSYSLOG_TraditionalFileFormat")`,
    ]);
    await rsyslog.start();
    const smtpDir = path.join(dir, 'smtp');
    await startSmtp(procs, lab.fw, '127.0.0.1', 2525, smtpDir);
    const ovr = path.join(dir, 'override.conf');
    fs.writeFileSync(ovr, [
      `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;',
      `ETC_RSYSLOG_CONF ${path.join(dir, 'rsyslog.conf')};`, 'CHECK_INTERVAL 1;', 'HOSTNAME fw-unit;',
      'EMAIL_ADDRESSES root@localhost, ops@example.test;', 'SMTP_HOST 127.0.0.1;', 'SMTP_PORT 2525;', 'SMTP_STARTTLS N;',
      `SYSLOG_SOCKET ${rsyslog.socket};`, 'ENABLE_DNS_LOOKUPS N;', 'ENABLE_WHOIS_LOOKUPS N;', 'AUTO_DETECT_JOURNALCTL N;', '',
    ].join('\n'));
    // EnvironmentFile=-/etc/default/psad
    const env: Record<string, string> = { DAEMON_ARGS: `-O ${ovr}` };
    const subst = (words: string[]) => words.map((w) => (w === '/usr/sbin/psad' ? PSAD_BIN : w === '/etc/psad/psad.conf' ? CONF : w));
    const execStart = subst(systemdWords(svc('ExecStart'), env));
    assert.deepEqual(execStart, [PSAD_BIN, '-c', CONF, '-O', ovr]);

    // the sandbox: ProtectSystem=strict + ReadWritePaths= + RuntimeDirectory=, NoNewPrivileges=, CapabilityBoundingSet=
    const rwPaths = svc('ReadWritePaths').split(/\s+/).filter((p) => !p.startsWith('-')).map(mapPath);
    rwPaths.push(mapPath(`/run/${svc('RuntimeDirectory')}`));
    const caps = svc('CapabilityBoundingSet').split(/\s+/).map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`);
    assert.equal(svc('NoNewPrivileges'), 'yes');
    assert.equal(svc('ProtectSystem'), 'strict');
    const sandbox = (argv: string[], extraEnv: Record<string, string> = {}) => {
      const mounts = rwPaths.map((p) => `mount --bind '${p}' '${p}'`).join(' && ');
      const envArgs = Object.entries({ PATH: `/usr/sbin:/usr/bin:/sbin:/bin:${path.dirname(process.execPath)}`, LANG: 'C', ...env, ...extraEnv })
        .map(([k, v]) => `${k}=${v}`);
      return spawnSync('ip', ['netns', 'exec', lab.fw, 'unshare', '-m', '--propagation', 'private', '--', 'sh', '-c',
        `${mounts} && mount -o remount,bind,ro / && exec "$@"`, 'sh',
        'setpriv', '--no-new-privs', `--bounding-set=-all,${caps.join(',')}`, '--inh-caps=-all', '--',
        'env', '-i', ...envArgs, ...argv], { encoding: 'latin1', timeout: 120000 });
    };

    // ExecStart: Type=forking, the parent exits 0 once PIDFile= names the daemon
    assert.equal(svc('Type'), 'forking');
    const pidFile = mapPath(svc('PIDFile'));
    procs.addPidFile(pidFile);
    procs.addPidFile(path.join(root, 'var/run/psad/kmsgsd.pid'));
    const started = sandbox(execStart);
    assert.equal(started.status, 0, started.stderr);
    assert.equal(started.stderr, '', 'nothing to complain about');
    const pid = readPid(pidFile);
    assert.ok(pid && pidAlive(pid), 'PIDFile names the running daemon when ExecStart returns');
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    assert.match(status, /^NoNewPrivs:\s+1$/m);
    assert.match(status, /^CapBnd:\s+0000000400003004$/m, 'the unit\'s capability bounding set');
    await waitFor('kmsgsd', () => pidAlive(readPid(path.join(root, 'var/run/psad/kmsgsd.pid'))), 20000);
    await waitFor('psad reading', () => linesWith(alertLog, 'reading firewall messages from FW_DATA_FILE').length > 0, 20000);
    // kmsgsd enlarged the FIFO's buffer; psad cross-checks the kernel log
    assert.equal(linesWith(alertLog, `reading ${fifo} (buffer ${pipeMaxSize()} bytes)`).length, 1, fs.readFileSync(alertLog, 'latin1'));
    assert.equal(linesWith(alertLog, 'cannot read the kernel log').length, 0);
    await sleep(1500);

    // a SYN scan, seen by psad as one batch (paused meanwhile), as psad 2.4.6 -A sees the same lines
    process.kill(pid, 'SIGSTOP');
    const start = fs.existsSync(kernLog) ? fs.statSync(kernLog).size : 0;
    lab.nmap(['-sS', '-p', '1-1100', lab.fwIp]);
    await settled(kernLog);
    process.kill(pid, 'SIGCONT');
    await waitFor('the alert mail', () => mailCount(smtpDir) >= 1, 60000, 250);
    await sleep(3000);
    const mails = (await receivedMails(smtpDir)).filter((m) => (m.mail.subject ?? '').startsWith('[psad-alert]'));
    assert.equal(mails.length, 1, (await receivedMails(smtpDir)).map((m) => m.mail.subject).join('\n'));
    const m = mails[0];
    assert.deepEqual(m.to, ['root@localhost', 'ops@example.test']);
    const subject = m.mail.subject ?? '';
    const dl = Number(new RegExp(`^\\[psad-alert\\] DL(\\d) src: ${lab.scanIp} dst: ${lab.fwIp}$`).exec(subject)?.[1]);
    assert.ok(dl >= 2, subject);
    const body = m.mail.text ?? '';
    const scanLines = fs.readFileSync(kernLog).subarray(start).toString('latin1').split('\n').filter((l) => l.includes(`SRC=${lab.scanIp} `));
    const n = scanLines.length;
    const ports = scanLines.map((l) => Number(/ DPT=(\d+) /.exec(l)![1]));
    const range = `${Math.min(...ports)}-${Math.max(...ports)}`;
    const host = scanLines[0].split(/\s+/)[3];
    // psad's labels, right-aligned in 23 columns
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const field = (label: string, value: string) => new RegExp(`^${esc(`${label}: `.padStart(23))}${value}$`, 'm');
    const date = '\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}';
    const want = [
      field('Danger level', esc(`[${dl}] (out of 5)`)),
      field('Scanned TCP ports', esc(`[${range}: ${n} packets]`)),
      field('TCP flags', esc(`[SYN: ${n} packets, Nmap: -sT or -sS]`)),
      field('iptables chain', esc(`INPUT (prefix "DROP"), ${n} packets`)),
      field('Source', esc(lab.scanIp)),
      field('Destination', esc(lab.fwIp)),
      new RegExp(`^ {5}Current interval: ${date} \\(start\\)\\n {23}${date} \\(end\\)$`, 'm'),
      field('Overall scan start', date),
      field('Total email alerts', '1'),
      field('Complete TCP range', esc(`[${range}]`)),
      field('Syslog hostname', esc(host)),
      /^ {9}Global stats: \n {23}chain: {3}interface: {2}protocol: {2}packets: {2}\n/m,
      new RegExp(`^ {23}INPUT {4}veth0 {7}tcp {8}${n} *$`, 'm'),
    ];
    for (const re of want) assert.match(body, re);

    // psad 2.4.6 -A -e on the same kernel lines writes the same mail
    if (referenceInstalled()) {
      const scanLog = path.join(dir, 'scan.log');
      fs.writeFileSync(scanLog, fs.readFileSync(kernLog).subarray(start));
      const refDir = path.join(dir, 'ref');
      const refMail = mailStandIn(refDir);
      const refRoot = path.join(refDir, 'root');
      for (const d of ['var/log', 'var/run', 'var/lib']) fs.mkdirSync(path.join(refRoot, d), { recursive: true });
      const refOvr = path.join(refDir, 'ref.conf');
      fs.writeFileSync(refOvr, `INSTALL_ROOT ${refRoot};\nPSAD_CONF_DIR /etc/psad;\nmailCmd ${refMail};\nEMAIL_ADDRESSES root@localhost, ops@example.test;\nHOSTNAME fw-unit;\n`);
      const r = spawnSync(REFERENCE_PSAD, ['-A', '-e', '--analysis-write-data', '--no-rdns', '--no-whois',
        '-m', scanLog, '-c', '/etc/psad/psad.conf', '-O', refOvr], { encoding: 'latin1', timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const ref = standInMails(refDir).find((x) => x.args[1].includes(`src: ${lab.scanIp} dst: ${lab.fwIp}`));
      assert.ok(ref, standInMails(refDir).map((x) => x.args[1]).join(', '));
      assert.equal(ref.args[1], subject.replace(/ src: /, ' (analysis mode) src: '));
      const cut = (b: string) => normalizeAlertBody(b.replace(/(Overall scan start: ).*/, '$1X'));
      assert.equal(cut(body), cut(ref.body));
    }

    // ExecReload=
    const reload = sandbox(subst(systemdWords(svc('ExecReload'), env)));
    assert.equal(reload.status, 0, reload.stderr);
    await waitFor('HUP', () => linesWith(alertLog, 'received HUP signal, re-importing psad.conf').length > 0, 10000);
    assert.equal(readPid(pidFile), pid);

    // ExecStop= after a crash (SERVICE_RESULT=signal): kmsgsd keeps the FIFO; after a stop request: every daemon stops
    const kmsgsd = readPid(path.join(root, 'var/run/psad/kmsgsd.pid'));
    const stopCmd = subst(systemdWords(svc('ExecStop'), env)).map((w) => w.replace('/usr/sbin/psad', PSAD_BIN).replace('/etc/psad/psad.conf', CONF));
    const crashed = sandbox(stopCmd, { SERVICE_RESULT: 'signal' });
    assert.equal(crashed.status, 0, crashed.stderr);
    assert.ok(pidAlive(kmsgsd) && pidAlive(pid), 'nothing stopped');
    const stopped = sandbox(stopCmd, { SERVICE_RESULT: 'success' });
    assert.equal(stopped.status, 0, stopped.stderr);
    await waitFor('psad and kmsgsd stopped', () => !pidAlive(pid) && !pidAlive(kmsgsd), 15000);
    assert.equal(fs.existsSync(pidFile), false, 'a clean stop: no pid file, so the next start is a fresh one');
  } finally {
    await procs.stopAll();
    await rsyslog?.stop();
    lab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
