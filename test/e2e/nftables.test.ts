import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import { PSAD_BIN, ROOT, tmpDir } from '../helpers/paths';
import { NetLab, rootSkipReason, sh, waitFor } from '../helpers/netlab';
import { readPid, pidAlive } from '../../src/daemon/pidfile';
import { NftBackend } from '../../src/respond/nftables';
import { Runner } from '../../src/respond/iptables';
import { AutoChain } from '../../src/respond/chains';
import { FwOp } from '../../src/respond/backend';
import { parseNet } from '../../src/net/addr';

/**
 * psad on an nftables-only firewall. Network namespaces made here: a
 * firewall whose ruleset is nft alone (no iptables rule), with `log`
 * statements; a scanner; and, for comparison, a second firewall with the
 * iptables LOG rules psad advises. A private rsyslogd reads the kernel log
 * through /dev/kmsg (imkmsg: other tests' kernel-log readers are not
 * disturbed), keeps this run's lines (their log prefix carries this
 * process's id) and writes them to psad's FIFO. Then, as an administrator
 * would see it: a real nmap scan gets the same danger level as the same scan
 * through iptables, the scanner lands in psad's nft set and its packets are
 * dropped, the kernel expires the element on time, IPv6 likewise; and
 * NftBackend alone: 10,000 blocks in one transaction, `nft -c` on the
 * ruleset, expiry by the kernel with no psad running.
 */

const skip = rootSkipReason(['ip', 'nft', 'iptables', 'nmap', 'rsyslogd', 'ping']);
const CONF = path.join(ROOT, 'etc', 'psad.conf');
const TAG = `n${process.pid}`;
const TUPLES: AutoChain[] = [
  { n: 1, target: 'DROP', direction: 'src', table: 'filter', fromChain: 'INPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_INPUT', rulePosition: 1 },
  { n: 2, target: 'DROP', direction: 'dst', table: 'filter', fromChain: 'OUTPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_OUTPUT', rulePosition: 1 },
  { n: 3, target: 'DROP', direction: 'both', table: 'filter', fromChain: 'FORWARD', jumpPosition: 1, toChain: 'PSAD_BLOCK_FORWARD', rulePosition: 1 },
];

/** The firewall's whole ruleset: nft only. Pings and tcp/8080 are allowed, so a block shows as lost pings and refused connects. */
function ruleset(prefix: string): string {
  const log = `log prefix "${prefix}" flags ip options flags tcp options`;
  return `table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept
		icmp type echo-request accept
		icmpv6 type echo-request accept
		tcp dport 8080 accept
		${log}
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		${log}
	}
}
`;
}

/** A private rsyslogd reading /dev/kmsg (imkmsg), keeping the lines that contain one of `tags`. */
class KmsgRsyslog {
  private child: ChildProcess | null = null;
  readonly socket: string;

  constructor(readonly dir: string, tags: string[], actions: string[], extra: string[] = []) {
    this.socket = path.join(dir, 'rsyslog.sock');
    const cond = tags.map((t) => `$msg contains "${t}"`).join(' or ');
    fs.writeFileSync(path.join(dir, 'rsyslog.conf'), [
      `global(workDirectory="${dir}")`,
      'module(load="imuxsock" SysSock.Use="off")',
      `input(type="imuxsock" Socket="${this.socket}" CreatePath="on")`,
      'module(load="imkmsg")',
      `if (${cond}) then {`, ...actions.map((a) => `  ${a}`), '}',
      ...extra, '',
    ].join('\n'));
  }

  async start(): Promise<void> {
    this.child = spawn('rsyslogd', ['-n', '-f', path.join(this.dir, 'rsyslog.conf'), '-i', path.join(this.dir, 'rsyslogd.pid')], { stdio: 'ignore' });
    await waitFor('private rsyslogd socket', () => fs.existsSync(this.socket), 10000);
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const done = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    if (c.exitCode === null) c.kill('SIGKILL');
  }
}

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : '');

/** Per source: the danger level of a -S or -A report. */
function levels(report: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of report.matchAll(/^SRC:\s+(\S+?),? .*?DL: (\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

function nsRunner(ns: string): Runner {
  return (cmd, args, input) => {
    const r = spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { input, encoding: 'latin1', timeout: 60000, maxBuffer: 256 << 20 });
    return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
}

function pings(lab: NetLab, v6 = false): boolean {
  const r = spawnSync('ip', ['netns', 'exec', lab.scan, 'ping', ...(v6 ? ['-6'] : []), '-c', '1', '-W', '1', v6 ? lab.fwIp6 : lab.fwIp], { encoding: 'latin1' });
  return r.status === 0;
}

/** A TCP connect from the scanner to the firewall's port 8080 (1 s limit). */
function connects(lab: NetLab, v6 = false): boolean {
  const host = v6 ? lab.fwIp6 : lab.fwIp;
  const code = `const s=require('net').connect({host:${JSON.stringify(host)},port:8080});s.setTimeout(1000,()=>process.exit(2));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
  return spawnSync('ip', ['netns', 'exec', lab.scan, process.execPath, '-e', code], { timeout: 5000 }).status === 0;
}

/** The elements of a set of psad's table in a namespace: address -> seconds left (0 = permanent). */
function setElements(ns: string, set: string): Map<string, number> {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'set', 'inet', 'psad', set], { encoding: 'latin1', maxBuffer: 256 << 20 });
  const out = new Map<string, number>();
  if (r.status !== 0) return out;
  const doc = JSON.parse(r.stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
  for (const o of doc.nftables) {
    for (const e of o.set?.elem ?? []) {
      const el = (e as { elem?: { val: unknown; expires?: number } }).elem;
      const v = el ? el.val : e;
      const text = typeof v === 'string' ? v : `${(v as { prefix: { addr: string; len: number } }).prefix.addr}/${(v as { prefix: { addr: string; len: number } }).prefix.len}`;
      out.set(text, el?.expires ?? 0);
    }
  }
  return out;
}

/** `nft list ruleset` of a namespace checked by `nft -c -f`. */
function rulesetValid(ns: string): string {
  const text = sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset']);
  const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-c', '-f', '-'], { input: text, encoding: 'latin1' });
  return r.status === 0 ? '' : r.stderr;
}

test('nftables only: nmap scan detected at the iptables danger level, scanner blocked in the set, dropped, expired by the kernel, IPv6 too', { timeout: 420000, skip }, async (t) => {
  const dir = tmpDir('nft-e2e');
  const root = path.join(dir, 'root');
  const nftLab = new NetLab({ net: 86, noRules: true });
  const iptLab = new NetLab({ net: 87, noRules: true });
  const fifo = path.join(root, 'var/lib/psad/psadfifo');
  const kernLog = path.join(dir, 'kern.log');
  const iptLog = path.join(dir, 'ipt.log');
  const alertLog = path.join(dir, 'alerts.log');
  const nftPrefix = `DROP ${TAG} `;
  const iptPrefix = `DROP ${TAG}i `;
  let rsyslog: KmsgRsyslog | null = null;
  let server: ChildProcess | null = null;
  const ovr = path.join(dir, 'override.conf');
  const psad = (args: string[]) => {
    const r = spawnSync('ip', ['netns', 'exec', nftLab.fw, process.execPath, PSAD_BIN, '-c', CONF, '-O', ovr, ...args], { encoding: 'latin1', timeout: 120000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const pidOf = (n: string) => readPid(path.join(root, 'var/run/psad', `${n}.pid`));
  try {
    nftLab.up();
    iptLab.up();
    // the nft firewall: nft only
    sh('ip', ['netns', 'exec', nftLab.fw, 'nft', '-f', '-'], { input: ruleset(nftPrefix) });
    assert.equal(nftLab.inFw('iptables', ['-S']).trim().split('\n').filter((l) => l.startsWith('-A')).length, 0, 'no iptables rule');
    // the iptables firewall of the comparison: psad's advice
    for (const ipt of ['iptables', 'ip6tables']) {
      iptLab.inFw(ipt, ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
      iptLab.inFw(ipt, ['-A', 'INPUT', '-j', 'LOG', '--log-prefix', iptPrefix, '--log-ip-options', '--log-tcp-options']);
      iptLab.inFw(ipt, ['-A', 'INPUT', '-j', 'DROP']);
    }
    server = spawn('ip', ['netns', 'exec', nftLab.fw, process.execPath, '-e', "require('net').createServer((s)=>{s.on('error',()=>{});s.end('ok\\n');}).listen(8080,'::')"], { stdio: 'ignore' });

    fs.mkdirSync(path.dirname(fifo), { recursive: true, mode: 0o700 });
    spawnSync('mkfifo', ['-m', '600', fifo]);
    rsyslog = new KmsgRsyslog(dir, [nftPrefix], [
      `action(type="omfile" file="${kernLog}" template="RSYSLOG_TraditionalFileFormat")`,
      `action(type="ompipe" pipe="${fifo}" template="RSYSLOG_TraditionalFileFormat")`,
    ], [
      `if ($msg contains "${iptPrefix}") then { action(type="omfile" file="${iptLog}" template="RSYSLOG_TraditionalFileFormat") }`,
      `local7.* action(type="omfile" file="${alertLog}" template="RSYSLOG_TraditionalFileFormat")`,
    ]);
    const rsyslogConf = path.join(dir, 'rsyslog-system.conf');
    fs.writeFileSync(rsyslogConf, `kern.info\t\t|${fifo}\n`);
    fs.writeFileSync(ovr, [
      `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;',
      `ETC_RSYSLOG_CONF ${rsyslogConf};`, 'CHECK_INTERVAL 1;', 'ENABLE_PSADWATCHD N;', 'HOSTNAME nft-e2e;', 'EMAIL_ADDRESSES root@localhost;',
      'ALERTING_METHODS noemail;', `SYSLOG_SOCKET ${rsyslog.socket};`, 'ENABLE_WHOIS_LOOKUPS N;', 'ENABLE_DNS_LOOKUPS N;', 'AUTO_DETECT_JOURNALCTL N;',
      'IFCFGTYPE iproute2;', 'ENABLE_IPV6_DETECTION Y;', 'ENABLE_INTF_LOCAL_NETS N;',
      'FW_BACKEND nftables;', 'ENABLE_AUTO_IDS Y;', 'AUTO_IDS_DANGER_LEVEL 3;', 'AUTO_BLOCK_DL3_TIMEOUT 20;', 'AUTO_BLOCK_DL4_TIMEOUT 20;', '',
    ].join('\n'));
    await rsyslog.start();

    // the firewall check reads the nft ruleset
    const fwa = psad(['--fw-analyze']);
    assert.equal(fwa.status, 0, fwa.stdout + fwa.stderr);
    assert.match(fwa.stdout, /\[\+\] Parsing nftables input hook rules\.\n\[\+\] Parsing nftables input hook rules \(IPv6\)\.\n\[\+\] Firewall config looks good\./);

    const st = psad([]);
    assert.equal(st.status, 0, st.stderr);
    await waitFor('psad and kmsgsd running', () => pidAlive(pidOf('psad')) && pidAlive(pidOf('kmsgsd')), 20000);
    assert.ok(pings(nftLab), 'the scanner can ping the firewall before it scans');
    assert.ok(pings(nftLab, true), 'the scanner can ping the firewall before it scans (IPv6)');
    await waitFor('the scanner connects to tcp/8080', () => connects(nftLab), 10000);
    assert.ok(connects(nftLab, true), 'and over IPv6');

    // the same scan through both firewalls: 1,000 SYN probes, no retries
    const scan = (lab: NetLab, target: string, six = false) =>
      lab.inScan('nmap', ['-n', '-Pn', '-T4', '--min-rate', '1500', '--max-retries', '0', ...(six ? ['-6'] : []), '-sS', '-p', '1-1000', target], { timeout: 180000 });
    scan(iptLab, iptLab.fwIp);
    scan(nftLab, nftLab.fwIp);
    let blockedAt = 0;
    await waitFor('the scanner in psad\'s nft set', () => {
      if (setElements(nftLab.fw, 'block4').has(nftLab.scanIp)) blockedAt = Date.now();
      return blockedAt > 0;
    }, 30000, 200).catch((e) => {
      throw new Error(`${e.message}\n${psad(['-S']).stdout}\nkern.log: ${read(kernLog).split('\n').length} lines\n${read(alertLog)}`);
    });
    const left = setElements(nftLab.fw, 'block4').get(nftLab.scanIp)!;
    assert.ok(left > 15 && left <= 20, `the element expires in ${left} s (AUTO_BLOCK_DL3_TIMEOUT 20)`);
    assert.ok(!pings(nftLab), 'pings from the scanner are dropped');
    assert.ok(!connects(nftLab), 'connects from the scanner fail');
    assert.ok(pings(nftLab, true), 'IPv6 is not blocked by the IPv4 block');

    // the danger level: as with iptables for the same scan, and as -A gives for the captured lines
    const status = psad(['-S']).stdout;
    const dl = levels(status).get(nftLab.scanIp);
    await waitFor('the iptables lines', () => read(iptLog).split('\n').filter((l) => l.includes('DPT=')).length >= 1000, 10000);
    const a = (log: string) => spawnSync(process.execPath, [PSAD_BIN, '-A', '-m', log, '--no-rdns', '--no-whois', '-c', CONF, '-O', ovr], { encoding: 'latin1' }).stdout;
    const iptDl = levels(a(iptLog)).get(iptLab.scanIp);
    const nftA = levels(a(kernLog)).get(nftLab.scanIp);
    t.diagnostic(`danger level: nft daemon ${dl}, nft -A ${nftA}, iptables -A ${iptDl}`);
    assert.equal(dl, 3, status);
    assert.equal(iptDl, dl, 'the same scan through iptables LOG rules');
    assert.equal(nftA, dl);
    assert.match(status, new RegExp(`auto-blocked IPs:\\n\\s+${nftLab.scanIp.replace(/\./g, '\\.')} `));
    const listing = psad(['--fw-list-auto']);
    assert.match(listing.stdout, new RegExp(`Table: inet psad, set: block4 \\(1 element\\)\\n    ${nftLab.scanIp.replace(/\./g, '\\.')} +expires in \\d+ s \\(timeout 20 s\\)`));
    assert.equal(rulesetValid(nftLab.fw), '', 'nft -c takes the listed ruleset');

    // IPv6
    scan(nftLab, nftLab.fwIp6, true);
    let blocked6At = 0;
    await waitFor('the IPv6 scanner in the set', () => {
      if (setElements(nftLab.fw, 'block6').has(nftLab.scanIp6)) blocked6At = Date.now();
      return blocked6At > 0;
    }, 30000, 200);
    assert.ok(!pings(nftLab, true) && !connects(nftLab, true), 'the IPv6 scanner is cut off');

    // expiry: the element is gone after its 20 s, and the scanner gets through again
    await waitFor('IPv4 element expired', () => !setElements(nftLab.fw, 'block4').has(nftLab.scanIp), 40000, 250);
    const took = (Date.now() - blockedAt) / 1000;
    t.diagnostic(`IPv4 element gone after ${took.toFixed(1)} s`);
    assert.ok(took >= 18 && took <= 24, `expired after ${took} s`);
    assert.ok(pings(nftLab) && connects(nftLab), 'the scanner gets through again');
    await waitFor('IPv6 element expired', () => !setElements(nftLab.fw, 'block6').has(nftLab.scanIp6), 40000, 250);
    const took6 = (Date.now() - blocked6At) / 1000;
    assert.ok(took6 >= 18 && took6 <= 24, `IPv6 expired after ${took6} s`);
    assert.ok(pings(nftLab, true) && connects(nftLab, true));
    await waitFor('psad forgot the blocks', () => !/auto-blocked IPs:\n\s+\d/.test(psad(['-S']).stdout), 10000, 500);
  } finally {
    psad(['-K']);
    for (const n of ['psad', 'kmsgsd']) {
      const pid = pidOf(n);
      if (pid && pidAlive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    if (server) server.kill('SIGKILL');
    if (rsyslog) await rsyslog.stop();
    // in the reverse order of up(): each lab puts back the nf_log_all_netns it found
    iptLab.close();
    nftLab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('NftBackend on a real kernel: 10,000 blocks in one transaction, nft -c, drops, subnets, expiry with no psad running', { timeout: 180000, skip }, async (t) => {
  const lab = new NetLab({ net: 88, noRules: true });
  try {
    lab.up();
    const logs: string[] = [];
    const b = new NftBackend({ nft: 'nft', chains: TUPLES, run: nsRunner(lab.fw), log: (m) => logs.push(m) });
    const op = (n: string, add = true, timeout?: number): FwOp => ({ net: parseNet(n)!, add, timeout });

    // the transaction passes nft -c before anything is loaded
    const ops: FwOp[] = [];
    for (let i = 0; i < 10000; i++) ops.push(op(`100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, true, 3600));
    ops.push(op(lab.scanIp, true, 3600), op(lab.scanIp6, true, 3600));
    assert.equal(b.check(b.script(ops, true)), '', 'nft -c takes the transaction');
    assert.equal(setElements(lab.fw, 'block4').size, 0, 'nft -c loads nothing');

    assert.ok(pings(lab) && pings(lab, true));
    const t0 = process.hrtime.bigint();
    const r = b.apply(ops, true);
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    t.diagnostic(`10,002 blocks: ${sec.toFixed(3)} s (read, one transaction, read back)`);
    assert.deepEqual([r.done.length, r.already.length, r.failed.length], [10002, 0, 0]);
    assert.ok(sec < 1, `${sec} s for 10,000 blocks`);
    assert.equal(setElements(lab.fw, 'block4').size, 10001);
    assert.equal(rulesetValid(lab.fw), '', 'the listed ruleset passes nft -c');
    assert.ok(!pings(lab) && !pings(lab, true), 'the blocked scanner is dropped');
    assert.deepEqual(b.blockedIn(parseNet(lab.scanIp)!), ['PSAD_BLOCK_INPUT(DROP)', 'PSAD_BLOCK_OUTPUT(DROP)', 'PSAD_BLOCK_FORWARD(DROP)']);
    // output hook, dst direction: the firewall cannot reach it either
    assert.equal(spawnSync('ip', ['netns', 'exec', lab.fw, 'ping', '-c', '1', '-W', '1', lab.scanIp]).status !== 0, true);

    // 10,000 unblocks: one transaction again
    const t1 = process.hrtime.bigint();
    const u = b.apply(ops.map((o) => ({ net: o.net, add: false })), true);
    const sec2 = Number(process.hrtime.bigint() - t1) / 1e9;
    t.diagnostic(`10,002 unblocks: ${sec2.toFixed(3)} s`);
    assert.equal(u.done.length, 10002);
    assert.ok(sec2 < 1, `${sec2} s for 10,000 unblocks`);
    assert.ok(pings(lab) && pings(lab, true));

    // a subnet holding the scanner
    const net = `10.88.0.0/24`;
    assert.equal(b.apply([op(net, true, 60)], true).done.length, 1);
    assert.ok(setElements(lab.fw, 'block4net').has(net));
    assert.ok(!pings(lab), 'the scanner is inside the blocked /24');
    assert.deepEqual(b.apply([op('10.88.0.0/16')], true).failed.map((f) => f.error), ['10.88.0.0/16 overlaps 10.88.0.0/24, which is in the set inet psad block4net']);
    b.apply([op(net, false)], true);
    assert.ok(pings(lab));

    // the kernel expires an element by itself: no psad, no command
    const t2 = Date.now();
    assert.equal(b.apply([op(lab.scanIp, true, 3), op(lab.scanIp6, true, 3)], true).done.length, 2);
    assert.ok(!pings(lab) && !pings(lab, true));
    await waitFor('kernel expiry', () => !setElements(lab.fw, 'block4').has(lab.scanIp) && !setElements(lab.fw, 'block6').has(lab.scanIp6), 10000, 100);
    const gone = (Date.now() - t2) / 1000;
    t.diagnostic(`3 s elements gone after ${gone.toFixed(1)} s`);
    assert.ok(gone >= 2.5 && gone <= 5, `expired after ${gone} s`);
    assert.ok(pings(lab) && pings(lab, true));

    // flush, and deleting the table
    b.apply([op('192.0.2.1'), op('2001:db8::1')], true);
    assert.deepEqual(b.flush(false, [4, 6]), { ok: ['inet psad block4', 'inet psad block6', 'inet psad block4net', 'inet psad block6net'], failed: [] });
    assert.equal(setElements(lab.fw, 'block4').size + setElements(lab.fw, 'block6').size, 0);
    assert.deepEqual(b.flush(true, [4, 6]), { ok: ['inet table psad'], failed: [] });
    assert.equal(sh('ip', ['netns', 'exec', lab.fw, 'nft', 'list', 'ruleset']).trim(), '');
    assert.deepEqual(logs, []);
  } finally {
    lab.close();
  }
});
