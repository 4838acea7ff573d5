import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir, writeOverride } from '../helpers/paths';
import { runPsad } from '../helpers/run';
import { compareReports } from '../helpers/report-compare';
import { REFERENCE_PSAD, referenceInstalled } from '../helpers/reference';

/**
 * End to end: scripts/capture-scan-log.sh runs real nmap scans (SYN, FIN,
 * XMAS, NULL, UDP, IP protocol, IPv6 SYN) between two network namespaces
 * through a LOG + DROP firewall and captures the kernel log with a private
 * rsyslogd; the log is then analysed (-A) by our psad and by psad 2.4.6, and
 * the two reports must agree.
 */

const SCRIPT = path.join(ROOT, 'scripts', 'capture-scan-log.sh');

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function skipReason(): string | false {
  if (process.getuid?.() !== 0) {
    return 'needs root (network namespaces, iptables and the kernel log): run `sudo npm run test:e2e`';
  }
  const missing = ['ip', 'iptables', 'ip6tables', 'nmap', 'rsyslogd', 'flock'].filter((c) => !have(c));
  if (missing.length) return `needs ${missing.join(', ')}`;
  if (!referenceInstalled()) return `needs the reference psad 2.4.6 at ${REFERENCE_PSAD}`;
  return false;
}

/** Runs `psad -A` on the log with every path under `dir`/root; stdout has that root removed. */
function analyse(bin: 'ours' | 'reference', log: string, dir: string): { out: string; status: number | null; stderr: string } {
  const root = path.join(dir, 'root');
  // the reference does not create missing parents of its directories
  for (const d of ['var/log', 'var/run', 'var/lib']) fs.mkdirSync(path.join(root, d), { recursive: true });
  const args = ['-A', '-m', log, '--no-rdns', '--no-whois'];
  let r: { status: number | null; stdout: string; stderr: string };
  if (bin === 'ours') {
    r = runPsad([...args, '-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', writeOverride(dir)], { cwd: ROOT });
  } else {
    const p = spawnSync(REFERENCE_PSAD, [...args, '-c', '/etc/psad/psad.conf', '-O', writeOverride(dir, '/etc/psad')],
      { cwd: ROOT, encoding: 'latin1', maxBuffer: 256 << 20 });
    r = { status: p.status, stdout: p.stdout, stderr: p.stderr };
  }
  return { out: r.stdout.split(root).join(''), status: r.status, stderr: r.stderr };
}

test('real nmap scans captured from the kernel log: our -A report equals psad 2.4.6\'s', { timeout: 300000, skip: skipReason() }, () => {
  const dir = tmpDir('e2e');
  try {
    const log = path.join(dir, 'nmap-scans.log');
    const cap = spawnSync('bash', [SCRIPT, log], { cwd: ROOT, encoding: 'utf8', timeout: 240000 });
    assert.equal(cap.status, 0, `capture failed (${cap.status ?? cap.signal}):\n${cap.stderr}`);

    // the capture itself: thousands of firewall lines, IPv4 and IPv6, all scan types
    const lines = fs.readFileSync(log, 'latin1').split('\n').filter((l) => l !== '');
    const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
    assert.ok(lines.length > 2000, `only ${lines.length} lines captured`);
    assert.equal(count(/ kernel: .*DROP IN=vethfw OUT= /), lines.length);
    const v4 = count(/ SRC=10\.77\.0\.2 DST=10\.77\.0\.1 /);
    const v6 = count(/ SRC=fd77:0000:0000:0000:0000:0000:0000:0002 DST=fd77:0000:0000:0000:0000:0000:0000:0001 /);
    assert.ok(v4 > 0 && v6 > 0, `IPv4 lines: ${v4}, IPv6 lines: ${v6}`);
    assert.equal(v4 + v6, lines.length);
    const syn = count(/ PROTO=TCP .* RES=0x00 SYN URGP=/);
    const fin = count(/ PROTO=TCP .* RES=0x00 FIN URGP=/);
    const xmas = count(/ PROTO=TCP .* RES=0x00 URG PSH FIN URGP=/);
    const nul = count(/ PROTO=TCP .* RES=0x00 URGP=/);
    const udp = count(/ PROTO=UDP /);
    const numeric = count(/ PROTO=\d+ /);
    for (const [name, n] of Object.entries({ syn, fin, xmas, nul, udp, numeric })) assert.ok(n > 0, `no ${name} packets in the log`);

    const ours = analyse('ours', log, path.join(dir, 'ours'));
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stderr, '');
    const ref = analyse('reference', log, path.join(dir, 'ref'));
    assert.equal(ref.status, 0, ref.stderr);
    const diffs = compareReports(ours.out, ref.out);
    assert.deepEqual(diffs, [], diffs.join('\n'));

    // what a user sees
    const out = ours.out;
    assert.match(out, new RegExp(`Found ${lines.length} iptables log messages out of ${lines.length} total lines`));
    const dl = /^ {6}10\.77\.0\.2\s+DL: (\d+), Packets: (\d+)/m.exec(out);
    assert.ok(dl, 'the IPv4 scanner is not among the top attackers');
    assert.ok(Number(dl[1]) >= 3, `the IPv4 scanner has danger level ${dl[1]}`);
    assert.match(out, /^SRC: {2}10\.77\.0\.2, DL: [3-5],/m);
    assert.match(out, /^ {6}fd77:0000:0000:0000:0000:0000:0000:0002 \(FD77::2\) DL: \d+, Packets: \d+/m);
    assert.match(out, /^SRC: {2}fd77:0000:0000:0000:0000:0000:0000:0002 \(FD77::2\), DL: \d+,/m);
    assert.match(out, /^ {8}Scanned ports: TCP 1-1100, Pkts: \d+, Chain: INPUT, Intf: vethfw$/m);
    assert.match(out, /^ {8}Scanned ports: UDP \d+-\d+, Pkts: \d+, Chain: INPUT, Intf: vethfw$/m);

    // protocol counters: every SYN, FIN, XMAS and NULL packet is counted as tcp
    // (the two TCP ACK probes of the protocol scan are ignored as conntrack noise)
    const proto = (p: string) => Number(new RegExp(`^ +${p}: (\\d+) pkts`, 'm').exec(out.slice(out.indexOf('Total protocol packet counters:')))?.[1] ?? 0);
    assert.ok(out.includes('    Total protocol packet counters:'));
    assert.equal(proto('tcp'), syn + fin + xmas + nul);
    assert.equal(proto('udp'), udp);
    assert.ok(proto('icmp') > 0, 'no icmp packets counted');

    // FIN and XMAS scans match psad's signatures, SYN packets some port signatures
    assert.match(out, new RegExp(`^ {6}"SCAN FIN" \\(tcp\\), {2}Count: ${fin}, {2}Unique sources: 1, {2}Sid: 621$`, 'm'));
    assert.match(out, new RegExp(`^ {6}"SCAN nmap XMAS" \\(tcp\\), {2}Count: ${xmas}, {2}Unique sources: 1, {2}Sid: 1228$`, 'm'));
    assert.match(out, /^ {12}TCP, Chain: INPUT, Count: \d+, DP: \d+, FIN, Sid: 621$/m);
    assert.match(out, /^ {12}TCP, Chain: INPUT, Count: \d+, DP: \d+, URG PSH FIN, Sid: 1228$/m);
    assert.match(out, /^ {12}TCP, Chain: INPUT, Count: \d+, DP: \d+, SYN, Sid: \d+$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
