import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import { ROOT, PSAD_BIN, tmpDir } from '../helpers/paths';
import { NetLab, PrivateRsyslog, rootSkipReason, waitFor } from '../helpers/netlab';
import { REFERENCE_PSAD, referenceInstalled } from '../helpers/reference';
import { mailStandIn, normalizeAlertBody, standInMails } from '../helpers/mail-compare';
import { CONF, LAB_SERVERS, Procs, startReady, receivedMails as received, mailCount, settled } from '../helpers/daemon-lab';

/**
 * Alerts as a user receives them: psad running in a firewall namespace with
 * iptables LOG rules, a real nmap scan from another namespace, a private
 * rsyslogd writing the kernel log to the file psad reads and psad's own
 * messages (local7) to another file, dnsmasq answering the PTR records
 * (through /etc/netns/<ns>/resolv.conf), a whois server on port 43 and an
 * SMTP server (npm smtp-server) on 127.0.0.1. The mail that arrives is
 * parsed and compared, section by section, with the mail psad 2.4.6 writes
 * for the same kernel lines (`psad -A -e --dns-analysis` run in the same
 * namespace). Then hostile DNS, whois and log-prefix data, and the mail
 * limits counted at the SMTP server.
 */

const skip = rootSkipReason(['ip', 'iptables', 'nmap', 'rsyslogd', 'flock', 'dnsmasq']);

const b64 = (s: string | Buffer) => Buffer.from(s as string, typeof s === 'string' ? 'latin1' : undefined).toString('base64');

function startPsad(procs: Procs, ns: string | null, ovr: string, errFile: string): ChildProcess {
  const args = [process.execPath, PSAD_BIN, '-c', CONF, '-O', ovr, '--debug', '--no-fwcheck'];
  const argv = ns ? ['ip', 'netns', 'exec', ns, ...args] : args;
  return procs.add(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', fs.openSync(errFile, 'w')] }));
}

/** /etc/netns/<ns>/resolv.conf (bind-mounted over /etc/resolv.conf by `ip netns exec`); the returned function removes it. */
function resolvConf(ns: string): () => void {
  const parentExisted = fs.existsSync('/etc/netns');
  const d = `/etc/netns/${ns}`;
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  return () => {
    fs.rmSync(d, { recursive: true, force: true });
    if (!parentExisted) {
      try { fs.rmdirSync('/etc/netns'); } catch { /* another test's namespace uses it */ }
    }
  };
}

function headerNames(raw: Buffer): string[] {
  const t = raw.toString('latin1');
  const head = t.slice(0, t.indexOf('\r\n\r\n') >= 0 ? t.indexOf('\r\n\r\n') : t.indexOf('\n\n'));
  return head.split(/\r?\n/).filter((l) => /^\S/.test(l)).map((l) => l.slice(0, l.indexOf(':')).toLowerCase()).sort();
}

const ALLOWED_HEADERS = ['content-transfer-encoding', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to'];

/** What an alert test works with: the lab, its processes, and the files under `dir`. */
interface AlertLab {
  dir: string;
  lab: NetLab;
  procs: Procs;
  rsyslog: PrivateRsyslog;
  root: string;
  kernLog: string;
  smtpDir: string;
}

/**
 * Runs `body` in a firewall lab on 10.`net`.0.0/24 with its resolv.conf and a
 * private rsyslog that keeps this lab's kernel lines in kern.log (other tests'
 * namespaces may log at the same time), plus the rules `rules(dir)`; tears it all down after.
 */
async function withAlertLab(name: string, labOpts: ConstructorParameters<typeof NetLab>[0], rules: (dir: string) => string[], body: (l: AlertLab) => Promise<void>): Promise<void> {
  const dir = tmpDir(name);
  const procs = new Procs();
  const lab = new NetLab(labOpts);
  let rmResolv = () => undefined as void;
  let rsyslog: PrivateRsyslog | null = null;
  try {
    lab.up();
    rmResolv = resolvConf(lab.fw);
    const kernLog = path.join(dir, 'kern.log');
    rsyslog = new PrivateRsyslog(dir, [
      `if ($syslogfacility-text == "kern" and $msg contains "SRC=10.${labOpts.net}.0.") then { action(type="omfile" file="${kernLog}" template="RSYSLOG_TraditionalFileFormat") }`,
      ...rules(dir),
    ]);
    await rsyslog.start();
    await body({ dir, lab, procs, rsyslog, root: path.join(dir, 'root'), kernLog, smtpDir: path.join(dir, 'smtp') });
  } finally {
    await procs.stopAll();
    await rsyslog?.stop();
    lab.close();
    rmResolv();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts psad with `ovr` and runs nmap `args` against the firewall while psad
 * is paused, so that the whole scan is one batch; waits for the first mail.
 * Returns where the scan's lines begin in kern.log.
 */
async function scanInOneBatch(l: AlertLab, ovr: string, args: string[]): Promise<number> {
  const psad = startPsad(l.procs, l.lab.fw, ovr, path.join(l.dir, 'psad.err'));
  await waitFor('psad running', () => fs.existsSync(path.join(l.root, 'var/run/psad/psad.pid')), 20000);
  await new Promise((r) => setTimeout(r, 1500));
  process.kill(psad.pid!, 'SIGSTOP');
  const start = fs.existsSync(l.kernLog) ? fs.statSync(l.kernLog).size : 0;
  l.lab.nmap([...args, l.lab.fwIp]);
  await settled(l.kernLog);
  process.kill(psad.pid!, 'SIGCONT');
  await waitFor('the alert mail', () => mailCount(l.smtpDir) >= 1, 60000, 250);
  await new Promise((r) => setTimeout(r, 3000));
  return start;
}

test('an nmap scan through the firewall: the alert mail, the syslog lines, reverse DNS and whois, as psad 2.4.6 writes them', { skip, timeout: 300000 }, async () => {
  const alertLog = (dir: string) => path.join(dir, 'alerts.log');
  await withAlertLab('alerts-e2e', { net: 87 }, (dir) => [`local7.* action(type="omfile" file="${alertLog(dir)}" template="RSYSLOG_TraditionalFileFormat")`], async (l) => {
    const { dir, lab, procs, rsyslog, root, kernLog, smtpDir } = l;
    // DNS: dnsmasq in the firewall namespace with the lab's PTR records
    const dnsConf = path.join(dir, 'dnsmasq.conf');
    fs.writeFileSync(dnsConf, ['no-resolv', 'no-hosts', 'listen-address=127.0.0.1', 'bind-interfaces', 'port=53',
      `ptr-record=2.0.87.10.in-addr.arpa,scanner.psad-e2e.test`, `ptr-record=1.0.87.10.in-addr.arpa,fw.psad-e2e.test`, ''].join('\n'));
    procs.add(spawn('ip', ['netns', 'exec', lab.fw, 'dnsmasq', '-k', '-C', dnsConf, `--pid-file=${dir}/dnsmasq.pid`, '--user=root'], { stdio: 'ignore' }));
    // whois on port 43 in the scanner's namespace, SMTP on the firewall's loopback
    const whoisFile = path.join(dir, 'whois.json');
    const whoisText = 'NetRange:       10.87.0.0 - 10.87.0.255\r\nOrgName:        psad e2e lab\r\nCountry:        ZZ\r\n';
    fs.writeFileSync(whoisFile, JSON.stringify({ '*': b64(whoisText) }));
    await startReady(procs, lab.scan, [process.execPath, LAB_SERVERS, 'whois', '0.0.0.0', '43', whoisFile]);
    await startReady(procs, lab.fw, [process.execPath, LAB_SERVERS, 'smtp', '127.0.0.1', '2525', smtpDir]);
    await waitFor('dnsmasq', () => spawnSync('ip', ['netns', 'exec', lab.fw, 'getent', 'hosts', '10.87.0.2'], { encoding: 'utf8' }).stdout.includes('scanner.psad-e2e.test'), 10000);

    const scriptOut = path.join(dir, 'script.out');
    const script = path.join(dir, 'script.sh');
    fs.writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${scriptOut}\n`, { mode: 0o755 });
    const ovr = path.join(dir, 'override.conf');
    fs.writeFileSync(ovr, [
      `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${kernLog};`,
      'CHECK_INTERVAL 1;', 'HOSTNAME fw-e2e;', 'EMAIL_ADDRESSES root@localhost, ops@example.test;',
      'SMTP_HOST 127.0.0.1;', 'SMTP_PORT 2525;', 'SMTP_STARTTLS N;', `SYSLOG_SOCKET ${rsyslog.socket};`,
      'WHOIS_SERVER 10.87.0.2;', 'WHOIS_TIMEOUT 10;', 'ENABLE_PSADWATCHD N;', 'AUTO_DETECT_JOURNALCTL N;', 'ENABLE_AUTO_IDS N;',
      'ENABLE_EXT_SCRIPT_EXEC Y;', `EXTERNAL_SCRIPT ${script} SRCIP;`, '',
    ].join('\n'));
    const start = await scanInOneBatch(l, ovr, ['-sS', '-p', '1-1100']);
    const mails = await received(smtpDir);
    assert.equal(mails.length, 1, mails.map((m) => m.mail.subject).join('\n'));
    const m = mails[0];
    const subject = m.mail.subject ?? '';
    const dl = Number(/^\[psad-alert\] DL(\d) src: scanner\.psad-e2e\.test dst: fw\.psad-e2e\.test$/.exec(subject)?.[1]);
    // the level psad gives: the packet count's (DANGER_LEVEL1..5 = 5, 15, 150, 1500, 10000), at least the signatures' 2
    const pkts = Number(/^ {4}Scanned TCP ports: \[\S+: (\d+) packets\]$/m.exec(m.mail.text ?? '')?.[1]);
    const byCount = [5, 15, 150, 1500, 10000].filter((t) => pkts >= t).length;
    assert.ok(pkts >= 1100, `${pkts} packets`);
    assert.equal(dl, Math.max(2, byCount), `${subject}: ${pkts} packets`);
    assert.deepEqual(m.to, ['root@localhost', 'ops@example.test']);
    assert.deepEqual(headerNames(m.raw), ALLOWED_HEADERS);
    const body = m.mail.text ?? '';
    assert.match(body, /^ {18}DNS: scanner\.psad-e2e\.test$/m);
    assert.match(body, /^ {18}DNS: fw\.psad-e2e\.test$/m);
    assert.ok(body.includes(`\n[+] Whois Information (source IP):\n${whoisText.replace(/\r\n/g, '\n')}\n=-=-=`), body);
    assert.match(body, /^ {5}Current interval: .* \(start\)\n {23}.* \(end\)$/m);

    // psad 2.4.6 on the same kernel lines, in the same namespace (same DNS)
    const scanLog = path.join(dir, 'scan.log');
    fs.writeFileSync(scanLog, fs.readFileSync(kernLog).subarray(start));
    if (referenceInstalled()) {
      const refDir = path.join(dir, 'ref');
      const refMail = mailStandIn(refDir);
      const refRoot = path.join(refDir, 'root');
      for (const d of ['var/log', 'var/run', 'var/lib']) fs.mkdirSync(path.join(refRoot, d), { recursive: true });
      const refOvr = path.join(refDir, 'ref.conf');
      fs.writeFileSync(refOvr, `INSTALL_ROOT ${refRoot};\nPSAD_CONF_DIR /etc/psad;\nmailCmd ${refMail};\nEMAIL_ADDRESSES root@localhost, ops@example.test;\n`);
      const r = spawnSync('ip', ['netns', 'exec', lab.fw, REFERENCE_PSAD, '-A', '-e', '--analysis-write-data', '--dns-analysis', '--no-whois',
        '-m', scanLog, '-c', '/etc/psad/psad.conf', '-O', refOvr], { encoding: 'latin1', timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const ref = standInMails(refDir).find((x) => x.args[1].includes('src: scanner.psad-e2e.test dst: fw.psad-e2e.test'));
      assert.ok(ref, `psad 2.4.6 mails the scan: ${standInMails(refDir).map((x) => x.args[1]).join(', ')}`);
      assert.equal(ref.args[1], subject.replace(/ src: /, ' (analysis mode) src: '));
      assert.deepEqual(ref.args.slice(2), ['root@localhost', 'ops@example.test']);
      // the same sections; the scan start is the packets' arrival (daemon) or their syslog time (-A): seconds apart
      const start1 = /^ {3}Overall scan start: (.*)$/m.exec(body)![1];
      const start2 = /^ {3}Overall scan start: (.*)$/m.exec(ref.body)![1];
      assert.ok(Math.abs(Date.parse(start1) - Date.parse(start2)) <= 120000, `${start1} / ${start2}`);
      const cut = (b: string) => normalizeAlertBody(b.replace(/\n\[\+\] Whois Information[\s\S]*?(?=\n=-=-=)/, '').replace(/(Overall scan start: ).*/, '$1X'));
      assert.equal(cut(body), cut(ref.body));
      // the syslog lines psad writes for this alert
      const range = /Scanned TCP ports: \[(\S+): (\d+) packets\]/.exec(ref.body)!;
      await waitFor('the syslog scan line', () => fs.readFileSync(alertLog(dir), 'latin1').includes('scan detected'), 10000);
      const sys = fs.readFileSync(alertLog(dir), 'latin1');
      const scanLine = `scan detected (Nmap -sT or -sS scan): ${lab.scanIp} -> ${lab.fwIp} tcp: [${range[1]}] flags: SYN tcp pkts: ${range[2]} DL: ${dl} total scan dsts: 1`;
      assert.match(sys, new RegExp(`^\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ psad: ${scanLine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      const sigs = [...ref.body.matchAll(/^ {3}"(.*)"\n {7}dst port: {2}(\d+).*\n.*\n {7}(?:sid|psad_id): {3,}(\d+)/gm)]
        .map((x) => `src: ${lab.scanIp} signature match: "${x[1]}" (sid: ${x[3]}) tcp port: ${x[2]}`);
      const got = sys.split('\n').filter((l) => l.includes(' signature match: ')).map((l) => l.slice(l.indexOf('psad: ') + 6));
      assert.ok(sigs.length > 0);
      assert.equal(got.length, Math.min(10, sigs.length), got.join('\n'));
      for (const g of got) assert.ok(sigs.includes(g), `unexpected syslog line: ${g}`);
    }
    // the external script ran once for the source, with its address as the argument
    await waitFor('the external script', () => fs.existsSync(scriptOut), 10000);
    assert.equal(fs.readFileSync(scriptOut, 'latin1'), `${lab.scanIp}\n`);
    assert.equal(fs.readFileSync(path.join(root, 'var/log/psad', lab.scanIp, `${lab.scanIp}_whois`), 'latin1'), whoisText);
  });
});

test('hostile PTR records, whois answers and log prefixes add no header, run nothing and do not break the mail', { skip, timeout: 300000 }, async (t) => {
  // short and fixed (not under TMPDIR): the PTR name holds this path in one DNS label, at most 63 bytes
  const pwned = `/tmp/pwned-${process.pid}`;
  t.after(() => fs.rmSync(pwned, { force: true }));
  // at most 29 characters: a log prefix with shell syntax
  const prefix = '$(touch /tmp/pw)`id`;|&>x ';
  const labOpts = {
    net: 88,
    rules: (n: NetLab) => n.inFw('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', '1:300', '-j', 'LOG', '--log-prefix', prefix]),
  };
  await withAlertLab('alerts-hostile', labOpts, () => [], async (l) => {
    const { dir, lab, procs, root, kernLog, smtpDir } = l;
    // a DNS server whose PTR names hold CR LF, header lines, shell syntax, escape sequences and UTF-8
    const ptrFile = path.join(dir, 'ptr.json');
    const evilName = Buffer.concat([Buffer.from(`evil\r\nBcc: victim@example.com\r\n\r\n$(touch ${pwned}).\x1b[2J`, 'latin1'), Buffer.from('bäd`id`;|&.example', 'utf8')]);
    fs.writeFileSync(ptrFile, JSON.stringify({ '10.88.0.2': b64(evilName), '10.88.0.1': b64('fw\nTo: more@example.com') }));
    await startReady(procs, lab.fw, [process.execPath, LAB_SERVERS, 'ptr', '127.0.0.1', '53', ptrFile]);
    // a whois answer of 1 MB with header lines, CR/LF, control characters and non-ASCII text
    const whoisFile = path.join(dir, 'whois.json');
    const line = 'remarks: Bcc: victim@example.com\r\nSubject: pwned\r\n\x00\x07\x1b]0;title\x07 Zürich 北京 $(touch x)\r\n';
    const evilWhois = Buffer.concat([Buffer.from('\r\n.\r\nTo: x@example.com\r\n\r\n', 'latin1'), Buffer.from(line.repeat(Math.ceil(1e6 / line.length)), 'utf8')]);
    fs.writeFileSync(whoisFile, JSON.stringify({ '*': b64(evilWhois) }));
    await startReady(procs, lab.scan, [process.execPath, LAB_SERVERS, 'whois', '0.0.0.0', '43', whoisFile]);
    await startReady(procs, lab.fw, [process.execPath, LAB_SERVERS, 'smtp', '127.0.0.1', '2525', smtpDir]);

    const ovr = path.join(dir, 'override.conf');
    fs.writeFileSync(ovr, [
      `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${kernLog};`,
      'CHECK_INTERVAL 1;', 'HOSTNAME fw-e2e;', 'EMAIL_ADDRESSES root@localhost;', 'SMTP_HOST 127.0.0.1;', 'SMTP_PORT 2525;',
      'SMTP_STARTTLS N;', `SYSLOG_SOCKET ${path.join(dir, 'no-syslog.sock')};`, 'WHOIS_SERVER 10.88.0.2;', 'WHOIS_TIMEOUT 20;',
      'ENABLE_PSADWATCHD N;', 'AUTO_DETECT_JOURNALCTL N;', 'ENABLE_AUTO_IDS N;', '',
    ].join('\n'));
    await scanInOneBatch(l, ovr, ['-sS', '-p', '1-300']);
    const mails = await received(smtpDir);
    assert.equal(mails.length, 1);
    const m = mails[0];
    assert.deepEqual(m.to, ['root@localhost'], 'the envelope has only EMAIL_ADDRESSES');
    assert.deepEqual(headerNames(m.raw), ALLOWED_HEADERS, 'no header added');
    assert.equal(m.mail.bcc, undefined);
    const subject = m.mail.subject ?? '';
    assert.doesNotMatch(subject, /[\x00-\x1f\x7f]/);
    assert.ok(subject.startsWith('[psad-alert] DL'), subject);
    assert.ok(subject.includes('src: evil\\013\\010Bcc\\058\\032victim\\064example.com\\013\\010\\013\\010\\036\\040touch'), subject);
    assert.ok(subject.includes('dst: fw\\010To\\058\\032more\\064example.com'), subject);
    const body = m.mail.text ?? '';
    assert.match(body, /^ {18}DNS: evil\\013\\010Bcc/m);
    assert.doesNotMatch(body, /[\x00-\x08\x0b-\x1f\x7f]/, 'no control characters in the body');
    assert.ok(body.includes(`iptables chain: INPUT (prefix "${prefix.trim()}")`) || body.includes(`iptables chain: INPUT (prefix "${prefix}")`), body.slice(0, 2000));
    const whois = body.slice(body.indexOf('[+] Whois Information (source IP):'));
    assert.ok(whois.includes('remarks: Bcc: victim@example.com\nSubject: pwned\n??'), whois.slice(0, 300));
    assert.ok(whois.includes('Zürich 北京 $(touch x)'), 'UTF-8 whois text arrives as text');
    assert.match(whois, /\[whois answer cut after 262144 bytes\]\n\n=-=-=/);
    assert.ok(m.raw.length < 2 << 20);
    assert.ok(!fs.existsSync(pwned) && !fs.existsSync('/tmp/pw') && !fs.existsSync(path.join(ROOT, 'x')), 'nothing was run');
  });
});

/** Kernel-style log lines: `n` SYN packets from src to dst starting at port `p0`. */
function synLines(src: string, dst: string, p0: number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += `Mar 11 20:35:11 fw kernel: DROP IN=eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=45 ID=1 PROTO=TCP SPT=40000 DPT=${p0 + i} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
  }
  return out;
}

test('EMAIL_LIMIT, EMAIL_THROTTLE and ENABLE_EMAIL_LIMIT_PER_DST: the mails the SMTP server receives', { skip: rootSkipReason([]), timeout: 300000 }, async () => {
  const dir = tmpDir('alerts-limits');
  const procs = new Procs();
  try {
    const smtpDir = path.join(dir, 'smtp');
    // a fixed loopback port for this run's server
    const port = 30000 + (process.pid % 20000);
    await startReady(procs, null, [process.execPath, LAB_SERVERS, 'smtp', '127.0.0.1', String(port), smtpDir]);
    const cases: { name: string; conf: string[]; batches: number; dsts: string[]; want: string[] }[] = [
      {
        // counter per source: 1, 2, 3 mailed; at 3 >= EMAIL_LIMIT the limit mail once, then nothing
        name: 'limit', conf: ['EMAIL_LIMIT 3;'], batches: 6, dsts: ['10.99.0.1'],
        want: ['alert 10.99.0.1', 'alert 10.99.0.1', 'alert 10.99.0.1', '[psad-status] reached email message limit for 10.99.0.2 on fw-e2e'],
      },
      {
        // counters 1..7: the 1st, 4th and 7th alert are mailed (psad 2.4.6 mailed 1, 2, 4, 5, 7: Q14)
        name: 'throttle', conf: ['EMAIL_THROTTLE 3;'], batches: 7, dsts: ['10.99.0.1'],
        want: ['alert 10.99.0.1', 'alert 10.99.0.1', 'alert 10.99.0.1'],
      },
      {
        // a counter per destination: two mails each, then one limit mail per destination
        name: 'per-dst', conf: ['EMAIL_LIMIT 2;', 'ENABLE_EMAIL_LIMIT_PER_DST Y;'], batches: 4, dsts: ['10.99.0.1', '10.99.0.3'],
        want: ['alert 10.99.0.1', 'alert 10.99.0.1', 'alert 10.99.0.3', 'alert 10.99.0.3',
          '[psad-status] reached email message limit for 10.99.0.2 on fw-e2e (10.99.0.1)',
          '[psad-status] reached email message limit for 10.99.0.2 on fw-e2e (10.99.0.3)'],
      },
    ];
    for (const c of cases) {
      const root = path.join(dir, c.name);
      const log = path.join(dir, `${c.name}.log`);
      fs.writeFileSync(log, '');
      const before = mailCount(smtpDir);
      const ovr = path.join(dir, `${c.name}.conf`);
      fs.writeFileSync(ovr, [
        `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${log};`,
        'CHECK_INTERVAL 1;', 'HOSTNAME fw-e2e;', 'EMAIL_ADDRESSES root@localhost;', 'SMTP_HOST 127.0.0.1;', `SMTP_PORT ${port};`,
        'SMTP_STARTTLS N;', 'ALERTING_METHODS nosyslog;', 'ENABLE_PSADWATCHD N;', 'AUTO_DETECT_JOURNALCTL N;', 'ENABLE_AUTO_IDS N;',
        'ENABLE_DNS_LOOKUPS N;', 'ENABLE_WHOIS_LOOKUPS N;', 'ENABLE_INTF_LOCAL_NETS N;', 'HOME_NET any;', ...c.conf, '',
      ].join('\n'));
      const psad = startPsad(procs, null, ovr, path.join(dir, `${c.name}.err`));
      await waitFor('psad running', () => fs.existsSync(path.join(root, 'var/run/psad/psad.pid')), 20000);
      await new Promise((r) => setTimeout(r, 1500));
      const ctr = path.join(root, 'var/log/psad/packet_ctr');
      for (let b = 0; b < c.batches; b++) {
        fs.appendFileSync(log, c.dsts.map((d) => synLines('10.99.0.2', d, 1000 + b * 10, 10)).join(''));
        const want = (b + 1) * 10 * c.dsts.length;
        await waitFor(`batch ${b + 1} of ${c.name}`, () => Number(/tcp:\s+(\d+)/.exec(fs.readFileSync(ctr, 'latin1'))?.[1]) >= want, 20000, 100);
        await new Promise((r) => setTimeout(r, 300));
      }
      await new Promise((r) => setTimeout(r, 3000));
      process.kill(psad.pid!, 'SIGTERM');
      await new Promise((r) => psad.once('exit', r));
      const got = (await received(smtpDir)).slice(before).map((m) => {
        const s = m.mail.subject ?? '';
        const a = /^\[psad-alert\] DL\d src: 10\.99\.0\.2 dst: (\S+)$/.exec(s);
        return a ? `alert ${a[1]}` : s;
      });
      assert.deepEqual(got.sort(), [...c.want].sort(), `${c.name}: the mails received`);
    }
  } finally {
    await procs.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
