import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { runPsad } from '../helpers/run';

/**
 * Config mistakes an administrator makes, each written into an -O file (or
 * into a copy of psad.conf), and exactly what psad says about them: the
 * message on stderr and the exit status. {f} is the file with the mistake.
 * Errors stop psad before anything is read or written (no report, no
 * "signature skipped" lines); warnings leave the run going.
 */
const CONF = path.join(ROOT, 'etc', 'psad.conf');
const LOG =
  'Mar 11 20:35:11 fw kernel: DROP IN=eth1 OUT= SRC=10.1.1.1 DST=10.2.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=53 ID=1 PROTO=TCP SPT=1 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0\n';

const FW_ALL_LINE = fs.readFileSync(CONF, 'latin1').split('\n').findIndex((l) => /^FW_SEARCH_ALL\s/.test(l)) + 1;

interface Row {
  what: string;
  /** the -O file's text */
  conf: string;
  status: number;
  stderr: string;
  /** a -D line that must be there (the value psad uses) */
  dump?: RegExp;
}

const err = (m: string) => `[*] ${m}\n`;
const warn = (m: string) => `[-] config warning: ${m}\n`;

const ROWS: Row[] = [
  // the three of the issue
  { what: 'a Y/N switch written "yes"', conf: 'ENABLE_AUTO_IDS yes;\n', status: 1,
    stderr: err(`ENABLE_AUTO_IDS variable must be 'Y' or 'N' ({f} line 1: "yes")`) },
  { what: 'a misspelt variable', conf: 'EMAIL_ADDRESS admin@example.com;\n', status: 0,
    stderr: warn('{f} line 1: unknown variable EMAIL_ADDRESS is ignored; did you mean EMAIL_ADDRESSES?') },
  { what: 'HOME_NET with a /33', conf: 'HOME_NET 10.0.0.0/33;\n', status: 1,
    stderr: err('Invalid HOME_NET value: "10.0.0.0/33" ({f} line 1): "10.0.0.0/33" is not an IP address or network') },
  // more of the same kinds
  { what: 'YES (psad 2.4.6 took it and then treated it as "not Y")', conf: 'ENABLE_AUTO_IDS YES;\n', status: 1,
    stderr: err(`ENABLE_AUTO_IDS variable must be 'Y' or 'N' ({f} line 1: "YES")`) },
  { what: 'a switch that is not ENABLE_*', conf: '\nALERT_ALL no;\n', status: 1,
    stderr: err(`ALERT_ALL variable must be 'Y' or 'N' ({f} line 2: "no")`) },
  { what: 'a lower-case y is Y', conf: 'ENABLE_AUTO_IDS y;\nIMPORT_OLD_SCANS n;\n', status: 0, stderr: '',
    dump: /^\s*ENABLE_AUTO_IDS\s+Y$/m },
  { what: 'FW_SEARCH_ALL in an -O file (psad 2.4.6 takes the main file\'s)', conf: 'FW_SEARCH_ALL N;\n', status: 0,
    stderr: warn(`{f} line 1: FW_SEARCH_ALL is ignored in an -O file; the main config file's (${CONF} line ${FW_ALL_LINE}) is used`) },
  { what: 'FW_MSG_SEARCH in an -O file (psad 2.4.6 reads it from the main file only)', conf: 'FW_MSG_SEARCH REJECT;\n', status: 0,
    stderr: warn(`{f} line 1: FW_MSG_SEARCH is ignored in an -O file; psad reads it from the main config file (${CONF}) only`) },
  { what: 'two networks without a comma', conf: 'HOME_NET 192.168.1.0/24 10.0.0.0/8;\n', status: 1,
    stderr: err('Invalid HOME_NET value: "192.168.1.0/24 10.0.0.0/8" ({f} line 1): "192.168.1.0/24 10.0.0.0/8" is not one address or network (separate them with commas)') },
  { what: 'a bad address in a server list', conf: 'SQL_SERVERS [10.0.0.1, 10.0.0.300];\n', status: 1,
    stderr: err('Invalid SQL_SERVERS value: "[10.0.0.1, 10.0.0.300]" ({f} line 1): "10.0.0.300" is not an IP address or network') },
  { what: 'an empty EXTERNAL_NET', conf: 'EXTERNAL_NET ;\n', status: 1,
    stderr: err('Invalid EXTERNAL_NET value: "" ({f} line 1): the value is empty (use "any" for every address)') },
  { what: 'HOME_NET bad once, not again for $HOME_NET in the server lists', conf: 'HOME_NET 10.1.2.3/99;\n', status: 1,
    stderr: err('Invalid HOME_NET value: "10.1.2.3/99" ({f} line 1): "10.1.2.3/99" is not an IP address or network') },
  { what: 'IPv4 and IPv6 networks, a netmask and a negation are fine',
    conf: 'HOME_NET 10.9.0.0/16, 2001:db8::/32, 172.16.0.0/255.240.0.0;\nEXTERNAL_NET !10.9.0.0/16;\n', status: 0, stderr: '' },
  { what: 'a misspelt command', conf: 'iptablsCmd /sbin/iptables;\n', status: 0,
    stderr: warn('{f} line 1: unknown command iptablsCmd is ignored; did you mean iptablesCmd?') },
  { what: 'a command without its path', conf: 'mailCmd mail;\n', status: 0,
    stderr: warn('{f} line 1: mailCmd is ignored: a command needs its path (e.g. /usr/bin/mail)') },
  { what: 'a name in lower case', conf: 'home_net any;\n', status: 0,
    stderr: warn('{f} line 1: unknown variable home_net is ignored; did you mean HOME_NET?') },
  { what: 'a name nothing is close to', conf: 'MY_OWN_SETTING 1;\n', status: 0,
    stderr: warn('{f} line 1: unknown variable MY_OWN_SETTING is ignored') },
  { what: 'a variable set twice in one file (the first wins, as in psad 2.4.6)', conf: 'ENABLE_AUTO_IDS N;\n\nENABLE_AUTO_IDS Y;\n', status: 0,
    stderr: warn('{f} line 3: ENABLE_AUTO_IDS is already set at line 1; the first value ("N") is used'),
    dump: /^\s*ENABLE_AUTO_IDS\s+N$/m },
  { what: 'psad 3.0-dev variables are known', conf: 'ENABLE_REPUTATION_FEEDS N;\nREPUTATION_FEED x;\nREPUTATION_FEEDS_DIR /tmp;\nPSAD_TMP_DIR /tmp;\nENABLE_IP_INFO_URL N;\nIP_INFO x;\n', status: 0, stderr: '' },
  { what: 'IPT_AUTO_CHAIN<n> with any n', conf: 'IPT_AUTO_CHAIN7 DROP, src, filter, INPUT, 1, PSAD_BLOCK_INPUT, 1;\n', status: 0, stderr: '' },
  // what was refused before this issue, with the same kind of message
  { what: 'a value without its ;', conf: 'DANGER_LEVEL1 5\n', status: 1, stderr: err("{f} line 1: the value of DANGER_LEVEL1 has no closing ';'") },
  { what: 'a word where a number goes', conf: 'DANGER_LEVEL2 lots;\n', status: 1, stderr: err('DANGER_LEVEL2 must be an integer ({f} line 1: "lots")') },
  { what: 'a number out of range', conf: 'STATUS_IP_THRESHOLD -3;\n', status: 1,
    stderr: err('STATUS_IP_THRESHOLD must be an integer >= 0 and <= 10000 ({f} line 1: "-3")') },
  { what: 'an undefined $VAR', conf: 'HOME_NET $NOWHERE;\n', status: 1, stderr: err('sub-var "NOWHERE" not defined in config for var: HOME_NET. ({f} line 1)') },
  { what: 'an address without @', conf: 'EMAIL_ADDRESSES nobody;\n', status: 1, stderr: err('Invalid EMAIL_ADDRESSES value: "nobody" ({f} line 1)') },
  { what: 'an unknown FW_BACKEND', conf: 'FW_BACKEND pf;\n', status: 1,
    stderr: err('FW_BACKEND variable must be iptables, nftables or auto ({f} line 1: "pf")') },
];

function scratch(): { dir: string; ovr: string; log: string } {
  const dir = tmpDir('conferr');
  const ovr = path.join(dir, 'paths.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${dir}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\n`);
  const log = path.join(dir, 'scan.log');
  fs.writeFileSync(log, LOG);
  return { dir, ovr, log };
}

for (const row of ROWS) {
  test(`config: ${row.what}`, () => {
    const s = scratch();
    const f = path.join(s.dir, 'local.conf');
    fs.writeFileSync(f, row.conf);
    const expected = row.stderr.split('{f}').join(f);
    const r = runPsad(['-c', CONF, '-O', `${f},${s.ovr}`, '-A', '-m', s.log, '--no-rdns', '--no-whois']);
    assert.equal(r.stderr, expected);
    assert.equal(r.status, row.status, r.stderr);
    if (row.status !== 0) {
      // stopped before anything else: no report, no signature messages, nothing written
      assert.equal(r.stdout, '');
      assert.ok(!fs.existsSync(path.join(s.dir, 'root')), 'files were written');
    } else {
      assert.match(r.stdout, /\[\+\] Finished --Analyze cycle\./);
    }
    if (row.dump) {
      const d = runPsad(['-c', CONF, '-O', `${f},${s.ovr}`, '-D']);
      assert.match(d.stdout, row.dump);
    }
  });
}

test('config: a misspelt variable in psad.conf itself is named with its line there', () => {
  const s = scratch();
  const main = path.join(s.dir, 'psad.conf');
  const text = fs.readFileSync(CONF, 'latin1');
  const line = text.split('\n').length;
  fs.writeFileSync(main, `${text}ENABLE_AUTO_ID Y;\n`);
  const r = runPsad(['-c', main, '-O', s.ovr, '-A', '-m', s.log, '--no-rdns', '--no-whois']);
  assert.equal(r.stderr, `[-] config warning: ${main} line ${line}: unknown variable ENABLE_AUTO_ID is ignored; did you mean ENABLE_AUTO_IDS?\n`);
  assert.equal(r.status, 0);
});

test('config: FW_SEARCH_ALL maybe in psad.conf', () => {
  const s = scratch();
  const main = path.join(s.dir, 'psad.conf');
  const text = fs.readFileSync(CONF, 'latin1').split('\n');
  const i = text.findIndex((l) => /^FW_SEARCH_ALL\s/.test(l));
  text[i] = 'FW_SEARCH_ALL   maybe;';
  fs.writeFileSync(main, text.join('\n'));
  const r = runPsad(['-c', main, '-O', s.ovr, '-A', '-m', s.log]);
  assert.equal(r.stderr, `[*] FW_SEARCH_ALL variable must be 'Y' or 'N' (${main} line ${i + 1}: "maybe")\n`);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
});

test('config: the shipped psad.conf loads without a warning', () => {
  const s = scratch();
  const r = runPsad(['-c', CONF, '-O', s.ovr, '-D']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});
