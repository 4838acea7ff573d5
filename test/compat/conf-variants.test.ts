import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT } from '../helpers/paths';
import { runOurs } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared } from '../helpers/requires';
import { compareReports } from '../helpers/report-compare';

/**
 * The upstream test configs that apply to analysis, run with psad 2.4.6 and
 * with the port on the same logs: the reports must agree.
 */
const CONF = 'test/conf';
const cases: [string, string[], string[]][] = [
  ['auto_dl 5 for a /24', ['--auto-dl', `${CONF}/auto_dl_5_192.168.10.0_24`], ['syn_scan_1000_1500', 'ipv4_valid_ping', 'udp_scan_1000_1150']],
  ['auto_dl 5 for a /24, tcp only', ['--auto-dl', `${CONF}/auto_dl_5_192.168.10.0_24_tcp`], ['syn_scan_1000_1500', 'udp_scan_1000_1150', 'ipv4_valid_ping']],
  ['auto_dl 5 for a /24, udp only', ['--auto-dl', `${CONF}/auto_dl_5_192.168.10.0_24_udp`], ['syn_scan_1000_1500', 'udp_scan_1000_1150']],
  ['auto_dl 5 for one address', ['--auto-dl', `${CONF}/auto_dl_5_192.168.10.55`], ['syn_scan_1000_1500', 'ms_sql_server_sig_match']],
  ['auto_dl 0 (ignore) for a /24', ['--auto-dl', `${CONF}/auto_dl_ignore_192.168.10.0_24`], ['syn_scan_1000_1500', 'syn_sweep']],
  ['auto_dl 0 (ignore) for one address', ['--auto-dl', `${CONF}/auto_dl_ignore_192.168.10.55`], ['syn_scan_1000_1500', 'syn_sweep']],
  ['auto_dl 0 for an IPv6 address', ['--auto-dl', `${CONF}/auto_dl_ignore_ipv6_addr`], ['ipv6_tcp_connect_nmap_default_scan']],
  ['auto_dl 0 for an abbreviated IPv6 address', ['--auto-dl', `${CONF}/auto_dl_ignore_ipv6_addr_abbrev`], ['ipv6_tcp_connect_nmap_default_scan']],
  ['ENABLE_IPV6_DETECTION N', ['-c', `${CONF}/disable_ipv6_detection.conf`], ['ipv6_tcp_connect_nmap_default_scan', 'ipv6_ping_scan', 'topera_ipv6_syn_scan_with_ip_opts']],
  ['IGNORE_CONNTRACK_BUG_PKTS N', ['-c', `${CONF}/enable_ack_detection.conf`], ['ack_scan_1000_1150', 'proto_scan']],
  ['IGNORE_PROTOCOLS 2', ['-c', `${CONF}/ignore_igmp.conf`], ['ipv4_igmp', 'proto_scan']],
  ['IGNORE_INTERFACES eth1, eth0.1', ['-c', `${CONF}/ignore_intf.conf`], ['syn_scan_1000_1500', 'ipv4_valid_ping', 'syn_sweep']],
  ['IGNORE_PROTOCOLS tcp', ['-c', `${CONF}/ignore_tcp.conf`], ['syn_scan_1000_1500', 'proto_scan']],
  ['IGNORE_PROTOCOLS udp', ['-c', `${CONF}/ignore_udp.conf`], ['udp_scan_1000_1150', 'proto_scan']],
  ['FW_SEARCH_ALL N with DROP', ['-c', `${CONF}/require_DROP_syslog_prefix_str.conf`], ['syn_scan_1000_1500', 'null_scan_1000_1150', 'syslog_time_fmt1.log']],
  ['FW_SEARCH_ALL N with a missing prefix', ['-c', `${CONF}/require_missing_syslog_prefix_str.conf`], ['syn_scan_1000_1500']],
  ['signatures without the MS-SQL signature', ['--signatures', `${CONF}/signatures_no_ms_sql_server_sig`], ['ms_sql_server_sig_match', 'syn_scan_1000_1500']],
  ['default test config', ['-c', `${CONF}/default_psad.conf`], ['fin_scan_1000_1150', 'mirai_default_credentials_scan']],
];

for (const [label, extra, logs] of cases) {
  test(`${label}: same report as psad 2.4.6`, { skip: needsReferenceAndShared() }, () => {
    for (const log of logs) {
      const args = ['-A', '-m', `test/scans/iptables/${log}`, '--no-rdns', '--no-whois', ...extra];
      if (!extra.includes('-c')) args.push('-c', path.join(ROOT, 'etc', 'psad.conf'));
      const ref = runReference(args, { cwd: REFERENCE });
      const ours = runOurs(args, { cwd: REFERENCE });
      assert.equal(ours.status, ref.status, `${log}: exit status; ours stderr: ${ours.stderr}`);
      const diffs = compareReports(ours.stdout, ref.stdout);
      assert.deepEqual(diffs, [], `${log}:\n${diffs.join('\n')}`);
      const errOurs = path.join(ours.root, 'var/log/psad/ipt_analysis/errs/fwerrorlog');
      const errRef = path.join(ref.root, 'var/log/psad/ipt_analysis/errs/fwerrorlog');
      const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : '');
      assert.equal(read(errOurs), read(errRef), `${log}: fwerrorlog`);
      fs.rmSync(path.dirname(ours.root), { recursive: true, force: true });
      fs.rmSync(path.dirname(ref.root), { recursive: true, force: true });
    }
  });
}
