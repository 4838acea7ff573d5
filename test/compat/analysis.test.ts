import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT, tmpDir, writeOverride } from '../helpers/paths';
import { runPsad } from '../helpers/run';
import { compareReports } from '../helpers/report-compare';
import { needsShared, sharedFiles, testEach } from '../helpers/requires';

const EXPECTED = path.join(REFERENCE, 'expected');
const names = sharedFiles('expected', (f) => f.endsWith('.analysis.txt')).map((f) => f.replace(/\.analysis\.txt$/, ''));
const SKIP = needsShared();

/**
 * Runs `psad -A -m test/scans/iptables/NAME --no-rdns --no-whois` from the
 * reference folder (so the file name prints as in the expected output), with
 * every path under a temporary INSTALL_ROOT that is mapped back to "/".
 */
export function analyse(name: string, confDir: string, extraArgs: string[] = [], extraConf = ''): { out: string; status: number | null; stderr: string; root: string } {
  const dir = tmpDir('compat');
  const ovr = writeOverride(dir, confDir, extraConf);
  // an existing analysis directory makes psad print "Removing old ..." as in the expected runs
  fs.mkdirSync(path.join(dir, 'root/var/log/psad/ipt_analysis'), { recursive: true });
  const r = runPsad(['-A', '-m', `test/scans/iptables/${name}`, '--no-rdns', '--no-whois',
    '-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', ovr, ...extraArgs], { cwd: REFERENCE });
  const out = r.stdout.split(`${dir}/root`).join('');
  return { out, status: r.status, stderr: r.stderr, root: dir };
}

testEach(names, (name) => `-A output of ${name} equals psad 2.4.6's`, SKIP, (name) => {
  const r = analyse(name, path.join(ROOT, 'etc'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const expected = fs.readFileSync(path.join(EXPECTED, `${name}.analysis.txt`), 'latin1');
  const diffs = compareReports(r.out, expected);
  assert.deepEqual(diffs, [], diffs.join('\n'));
  fs.rmSync(r.root, { recursive: true, force: true });
});

test('the reference data files load unchanged and give the same results (drop-in)', { skip: SKIP }, () => {
  for (const name of ['syn_scan_1000_1500', 'ipv6_tcp_connect_nmap_default_scan', 'proto_scan', 'invalid_icmp_type_code']) {
    const r = analyse(name, path.join(REFERENCE, 'etc'));
    assert.equal(r.status, 0, r.stderr);
    const expected = fs.readFileSync(path.join(EXPECTED, `${name}.analysis.txt`), 'latin1');
    assert.deepEqual(compareReports(r.out, expected), []);
    fs.rmSync(r.root, { recursive: true, force: true });
  }
});

test('the same input gives the same bytes on every run', { skip: SKIP }, () => {
  const a = analyse('ipv6_tcp_connect_nmap_default_scan', path.join(ROOT, 'etc'));
  const b = analyse('ipv6_tcp_connect_nmap_default_scan', path.join(ROOT, 'etc'));
  assert.equal(a.out, b.out);
});
