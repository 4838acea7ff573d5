import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PSAD_BIN, ROOT, tmpDir } from '../helpers/paths';
import { rootSkipReason } from '../helpers/netlab';

/**
 * psad --fw-analyze in a network namespace whose firewall is Debian 12's
 * stock nftables ruleset (table inet filter, policy accept) with a
 * `log prefix "DROP "` statement in its input chain, once with each
 * FW_BACKEND: what it prints, what it writes to FW_CHECK_FILE, its exit
 * status. Then iptables rules made with the real iptables, saved by
 * iptables -n -L, iptables-save and iptables -S, checked with --fw-file.
 */
const skip = rootSkipReason(['ip', 'nft', 'iptables', 'iptables-save']);
const RULESET = path.join(ROOT, 'test/fixtures/nft/rulesets/debian-stock-log.nft');

function sh(args: string[]) {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('--fw-analyze on a native nftables ruleset with FW_BACKEND iptables, nftables and auto; --fw-file with real iptables dumps', { skip, timeout: 120000 }, () => {
  const dir = tmpDir('fwnft');
  const ns = `psad16-nft-${process.pid}`;
  sh(['ip', 'netns', 'add', ns]);
  try {
    const inNs = (...a: string[]) => sh(['ip', 'netns', 'exec', ns, ...a]);
    inNs('nft', '-f', RULESET);
    assert.equal(inNs('cat', '/proc/sys/net/ipv4/ip_forward').trim(), '0');
    const run = (backend: string, extra: string[] = [], fwd?: string) => {
      const root = path.join(dir, backend);
      const ovr = path.join(dir, `${backend}.conf`);
      fs.writeFileSync(ovr, `INSTALL_ROOT ${root};\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\nFW_BACKEND ${backend};\nHOSTNAME fw16;\n` +
        `ALERTING_METHODS noemail;\n${fwd ? `PROC_FORWARD_FILE ${fwd};\n` : ''}`);
      const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, PSAD_BIN, '-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', ovr, '--fw-analyze', ...extra],
        { encoding: 'utf8', timeout: 60000 });
      const checkFile = path.join(root, 'var/log/psad/fw_check');
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, report: fs.existsSync(checkFile) ? fs.readFileSync(checkFile, 'utf8') : '', checkFile };
    };
    const iptVersion = inNs('iptables', '-V').trim();

    // FW_BACKEND iptables: says the ruleset is nftables, names the setting; exit 1
    const ipt = run('iptables');
    const note =
      '[-] The firewall on fw16 is a native nftables ruleset, which FW_BACKEND iptables\n' +
      '    does not check: its base chains inet filter input (input hook), inet filter forward (forward hook)\n' +
      `    are not iptables chains${/nf_tables/.test(iptVersion) ? `\n    (${iptVersion} is iptables-nft: it lists only the tables iptables-nft made)` : ''}.\n` +
      `    Set FW_BACKEND to nftables (or auto) in ${path.join(ROOT, 'etc', 'psad.conf')} to check this ruleset.\n\n`;
    assert.equal(ipt.stderr, '');
    assert.equal(ipt.stdout, `[+] Parsing INPUT chain rules.\n[+] Parsing INPUT chain rules.\n${note}[-] Errors found in firewall config.\n` +
      `[+] Results in ${ipt.checkFile}\n[+] Exiting.\n`);
    assert.equal(ipt.report, note);
    assert.doesNotMatch(ipt.report, /default logging rule/);
    assert.equal(ipt.status, 1);

    // nftables and auto: the ruleset logs; only the input hook is checked (no forwarding) and named; it does not block
    const success = '[+] The nftables ruleset on fw16 will log unwanted\n    packets in the input hook.  Firewall config success!\n';
    for (const backend of ['nftables', 'auto']) {
      const r = run(backend);
      assert.equal(r.stderr, '', backend);
      assert.equal(r.stdout, '[+] Parsing nftables input hook rules.\n[+] Parsing nftables input hook rules (IPv6).\n' +
        `[+] Firewall config looks good.\n[+] Completed check of firewall ruleset.\n[+] Results in ${r.checkFile}\n[+] Exiting.\n`, backend);
      assert.equal(r.report, success, backend);
      assert.equal(r.status, 0, backend);
    }

    // real iptables rules, saved three ways: the same verdict and report from each
    inNs('iptables', '-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
    inNs('iptables', '-N', 'LOGDROP');
    inNs('iptables', '-A', 'LOGDROP', '-j', 'LOG', '--log-prefix', 'DROP ');
    inNs('iptables', '-A', 'LOGDROP', '-j', 'DROP');
    inNs('iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT');
    inNs('iptables', '-A', 'INPUT', '-j', 'LOGDROP');
    const dumps: [string, string][] = [
      ['list', inNs('iptables', '-n', '-L')],
      ['save', inNs('iptables-save')],
      ['S', inNs('iptables', '-S')],
    ];
    const fwd0 = path.join(dir, 'ip_forward');
    fs.writeFileSync(fwd0, '0\n');
    const reports: string[] = [];
    for (const [k, text] of dumps) {
      const f = path.join(dir, `rules.${k}`);
      fs.writeFileSync(f, text);
      const r = run('iptables', ['--fw-file', f], fwd0);
      assert.equal(r.status, 0, `${k}: ${r.stdout}${r.stderr}\n${text}`);
      reports.push(r.report);
    }
    assert.equal(reports[0], '[+] The iptables ruleset on fw16 will log and block unwanted\n    packets in the INPUT chain.  Firewall config success!\n');
    assert.deepEqual(reports, [reports[0], reports[0], reports[0]]);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
