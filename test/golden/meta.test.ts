import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/paths';
import { goldenCases, readExpected } from '../helpers/golden';

/**
 * Fails when a scan type psad names, an ICMP/ICMPv6 check, an OS
 * fingerprinting method or a kind of signature that a header-only packet
 * can trigger has no golden case that shows it. A case shows a scan type
 * when its capture script sends that traffic and psad 2.4.6's expected
 * output names it (cases that hold psad-node's output do not count). Signature kinds come from etc/signatures: protocol plus
 * the header tests a signature makes (ports, flags, ttl, id, ipopts, itype,
 * icode, icmp_id/seq, window, seq, payload size, IP length, sameip, or
 * addresses only); a kind is covered when an expected output shows a match
 * of one of its signatures. What cannot be captured is listed below with
 * the reason, and the list must stay true.
 */

// only cases whose expected output is psad 2.4.6's count as evidence
const cases = goldenCases().filter((c) => !c.differs).map((c) => ({ ...c, out: [...readExpected(c).values()].join('\n') }));

interface Shown { capture?: RegExp; output: RegExp }

const SCAN_TYPES: Record<string, Shown> = {
  'TCP SYN scan (nmap -sS)': { capture: /nmap_scan -sS/, output: /\[SYN: \d+ packets, Nmap: -sT or -sS\]/ },
  'TCP connect scan (nmap -sT)': { capture: /nmap_scan -sT/, output: /\[SYN: \d+ packets, Nmap: -sT or -sS\]/ },
  'FIN scan (nmap -sF)': { capture: /nmap_scan -sF/, output: /\[FIN: \d+ packets, Nmap: -sF\]/ },
  'XMAS scan (nmap -sX)': { capture: /nmap_scan -sX/, output: /\[URG PSH FIN: \d+ packets, Nmap: -sX\]/ },
  'NULL scan (nmap -sN)': { capture: /nmap_scan -sN/, output: /\[NULL: \d+ packets, Nmap: -sN\]/ },
  'ACK scan (nmap -sA, IGNORE_CONNTRACK_BUG_PKTS N)': { capture: /nmap_scan -sA/, output: /TCP flags: \[ACK: \d+ packets\]/ },
  'UDP scan (nmap -sU)': { capture: /nmap_scan -sU/, output: /Scanned UDP ports: \[[\d-]+: \d+ packets, Nmap: -sU\]/ },
  'IP protocol scan (nmap -sO)': { capture: /nmap_scan -sO/, output: /IP Protocol scan: \[\d+ unique protocols, Nmap -sO\]/ },
  'TCP sweep (one port, many hosts)': { capture: /nmap_scan -sS -p 80 "\$LAN/, output: /^SRC: .*Dsts: (1\d|[2-9]\d)\b/m },
  'ICMP sweep (nmap -sn -PE)': { capture: /-sn -PE/, output: /^SRC: .*Dsts: (1\d|[2-9]\d)\b/m },
  'IPv6 SYN scan (nmap -6 -sS)': { capture: /nmap_scan -6 -sS/, output: /Nmap: -sT or -sS\][\s\S]*?Source: 2001:0db8:0014:0000:0000:0000:0000:0007\n/ },
  'IPv6 connect scan (nmap -6 -sT)': { capture: /nmap_scan -6 -sT/, output: /Nmap: -sT or -sS\][\s\S]*?Source: 2001:0db8:0014:0000:0000:0000:0000:0007\n/ },
  'SYN FIN URG PSH probes (nmap -O)': { capture: /hping3 .*-S -F -U -P/, output: /\[URG PSH SYN FIN: \d+ packets, Nmap: -O\]/ },
  'Masscan SYN scan': { output: /Masscan SYN scan/ },
  'Topera IPv6 SYN scan': { output: /Topera SYN scan/ },
  'Mirai default-credentials scan': { output: /Mirai botnet default credentials scan/ },
  'valid ICMP (no finding)': { capture: /ping -n/, output: /Total protocol packet counters:\n(?:.*\n)*? +icmp: \d+ pkts/ },
  'invalid ICMP type': { output: /Invalid ICMP type: "99"/ },
  'invalid ICMP code': { output: /Invalid ICMP code: "2" for ICMP "Echo"/ },
  'valid ICMPv6 (no finding)': { capture: /ping -6/, output: /icmp6: \d+ pkts/ },
  'invalid ICMPv6 type': { output: /Invalid ICMP6 type: "200"/ },
  'invalid ICMPv6 code': { output: /Invalid ICMP6 code: "22" for ICMP6 "Neighbor Solicitation"/ },
  'p0f fingerprint (SYN with TCP options)': { output: /Source OS fingerprint\(s\):\n +\S/ },
  'posf fingerprint (SYN without options)': { output: /OS guess: .*Linux \(2\.4\.x kernel\)/ },
};

/** Kinds of signatures no golden case can show, and why. */
const ICMP_ID = 'psad 2.4.6 reads an ICMP echo\'s CODE as its icmp_id (and its ID as its icmp_seq, detection spec 1.1), '
  + 'and a CODE is one byte: an icmp_id above 255 never matches';
const UNCAPTURABLE: Record<string, string> = {
  'icmp:icmp_id+icmp_seq+itype': `DDOS TFN client command BE/LE want icmp_id 456 and 51201: ${ICMP_ID}`,
  'icmp:icmp_id+itype': `DDOS Stacheldraht server spoof wants icmp_id 666: ${ICMP_ID}`,
  'icmp:dsize+icmp_id+icmp_seq+id+itype': `ICMP icmpenum wants icmp_id 666 and dsize 0 (psad takes LEN - 24, and an echo is 28 bytes at least): ${ICMP_ID}`,
};

const CLASS_KEYWORDS = ['sameip'];
const IGNORED = new Set(['msg', 'psad_id', 'psad_dl', 'classtype', 'sid', 'reference', 'psad_derived_sids']);

/** kind -> signature keys (sid, or psad_id when there is none) */
function signatureKinds(): Map<string, { key: number; msg: string }[]> {
  const kinds = new Map<string, { key: number; msg: string }[]>();
  for (const line of fs.readFileSync(path.join(ROOT, 'etc', 'signatures'), 'latin1').split('\n')) {
    const m = /^alert (\S+) (\S+) (\S+) \S+ (\S+) (\S+) \((.*)\)/.exec(line);
    if (!m) continue;
    const [, proto, src, sp, dst, dp, opts] = m;
    const kws = new Set<string>();
    for (const k of opts.matchAll(/(?:^|[\s;])([a-z_]+):/g)) if (!IGNORED.has(k[1])) kws.add(k[1].replace(/^psad_dsize$/, 'dsize'));
    for (const k of CLASS_KEYWORDS) if (new RegExp(`[\\s;]${k}\\s*;`).test(` ${opts}`)) kws.add(k);
    const parts = [...(sp !== 'any' ? ['sp'] : []), ...(dp !== 'any' ? ['dp'] : []), ...[...kws].sort()];
    if (!parts.length) parts.push(/\d/.test(src + dst) ? 'addresses' : 'any');
    const kind = `${proto}:${parts.join('+')}`;
    const key = Number((/[\s;]sid:\s*(\d+)/.exec(` ${opts}`) ?? /psad_id:\s*(\d+)/.exec(opts))![1]);
    const msg = /msg:"([^"]*)"/.exec(opts)![1];
    if (!kinds.has(kind)) kinds.set(kind, []);
    kinds.get(kind)!.push({ key, msg });
  }
  return kinds;
}

/** Signature keys an expected output shows as matched. */
function matchedKeys(out: string): Set<number> {
  const s = new Set<number>();
  for (const m of out.matchAll(/Sid: (\d+)$/gm)) s.add(Number(m[1]));
  for (const m of out.matchAll(/^ {7}(?:sid|psad_id): +(\d+)/gm)) s.add(Number(m[1]));
  return s;
}

test('every scan type, ICMP/ICMPv6 check and OS fingerprinting method psad has is shown by a golden case', () => {
  const missing: string[] = [];
  for (const [name, want] of Object.entries(SCAN_TYPES)) {
    const by = cases.filter((c) => (!want.capture || want.capture.test(c.capture)) && want.output.test(c.out));
    if (!by.length) missing.push(name);
  }
  assert.deepEqual(missing, [], `no golden case shows: ${missing.join('; ')}`);
});

test('every kind of signature a header-only packet can trigger is shown by a golden case, or listed with the reason it cannot be', () => {
  const kinds = signatureKinds();
  assert.ok(kinds.size >= 20, `${kinds.size} kinds of signatures in etc/signatures`);
  const matched = new Set<number>();
  for (const c of cases) for (const k of matchedKeys(c.out)) matched.add(k);
  const missing: string[] = [];
  const listedButShown: string[] = [];
  for (const [kind, sigs] of kinds) {
    const shown = sigs.some((s) => matched.has(s.key));
    if (!shown && !(kind in UNCAPTURABLE)) missing.push(`${kind} (e.g. "${sigs[0].msg}")`);
    if (shown && kind in UNCAPTURABLE) listedButShown.push(kind);
  }
  for (const kind of Object.keys(UNCAPTURABLE)) assert.ok(kinds.has(kind), `the list names ${kind}, which etc/signatures does not have`);
  assert.deepEqual(missing, [], `no golden case matches a signature of: ${missing.join('; ')}`);
  assert.deepEqual(listedButShown, [], 'listed as uncapturable, but a golden case shows them');
});

test('the uncapturable list (for the record)', (t) => {
  for (const [k, why] of Object.entries(UNCAPTURABLE)) t.diagnostic(`${k}: ${why}`);
  assert.ok(Object.values(UNCAPTURABLE).every((w) => w.length > 20), 'each entry gives its reason');
});
