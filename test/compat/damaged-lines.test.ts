import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { runOurs, RunResult } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { compareReports } from '../helpers/report-compare';
import { damagedLog, DamagedLog } from '../helpers/damage';
import { compareDebug, withoutDebugLines } from '../helpers/debug-compare';
import { debugLogs } from '../helpers/debug-logs';
import { needsReference } from '../helpers/requires';

/**
 * Damaged lines, differential: real log lines (examples/nmap-scans.log, the
 * golden cases' captures, the upstream test logs when ../shared is there)
 * damaged as a full kernel ring buffer or a lossy syslog relay damages them
 * (a byte changed, a piece cut out or the end lost, a piece repeated, a
 * piece of another line spliced in), seeded, thousands of lines, analysed by
 * psad 2.4.6 and by the port. Compared, line by line, the detection facts:
 * counted or not (the verdict of the parse: a packet, the error message or
 * none), the packet's addresses, ports and protocol, its log prefix, chain,
 * interface and flags (--CSV), the syslog host and time, the error log
 * (fwerrorlog) line by line; and the whole -A report, the --debug trace.
 * Where the port keeps its own reading on purpose (README, "Differences"),
 * the line is counted as a known difference and checked to be one.
 */
const NO_REF = needsReference();
const CSV_FIELDS = 'src dst sp dp proto chain intf flags syslog_host log_prefix';

/** The lines the damage starts from: every firewall line of the logs at hand. */
function sourceLines(): string[] {
  const out: string[] = [];
  for (const f of debugLogs()) {
    for (const l of fs.readFileSync(f, 'latin1').split('\n')) if (/IN=.*OUT=/.test(l)) out.push(l);
  }
  return out;
}

/** Per line that reached parse_NF_pkt_str: the debug verdict ("valid packet ..." or "[-] err packet: ..." or ""). */
function verdicts(stderr: string, lines: string[]): string[] {
  const start = stderr.indexOf('[+] check_scan()...\n');
  assert.ok(start >= 0, 'no trace');
  let pos = start;
  const out: string[] = [];
  const cand = lines.filter((l) => /IN=.*OUT=/.test(l) && /IN.*OUT/.test(l));
  const marks: number[] = [];
  for (const l of cand) {
    const at = stderr.indexOf(`\n${l}\n`, pos);
    assert.ok(at >= 0, `line not traced: ${JSON.stringify(l)}`);
    marks.push(at);
    pos = at + l.length + 2;
  }
  marks.push(stderr.length);
  for (let k = 0; k < cand.length; k++) {
    const block = stderr.slice(marks[k] + cand[k].length + 2, marks[k + 1]);
    const m = /^(\[\+\] valid packet: .*|\[-\] err packet: .*|\[-\] No [sd]_obj object)$/m.exec(block);
    out.push(m ? m[1] : '');
  }
  return out;
}

function errorLog(r: RunResult & { root: string }): string[] {
  const f = path.join(r.root, 'var/log/psad/ipt_analysis/errs/fwerrorlog');
  const t = fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : '';
  return t === '' ? [] : t.replace(/\n$/, '').split('\n');
}

interface Facts {
  /** per line that psad parses (IN=...OUT=): the debug verdict, and whether it went to fwerrorlog */
  verdicts: string[];
  inErrorLog: boolean[];
  csv: string[];
  hosts: string[];
  errors: string[];
  run: RunResult;
}

function candidates(lines: string[]): string[] {
  return lines.filter((l) => /IN=.*OUT=/.test(l));
}

/** psad 2.4.6 dies in Date::Calc on some damaged dates (README): the line it was reading then, or null. */
function dateCrash(r: RunResult): string | null {
  if (r.status === 0 || !/Date::Calc::\w+\(\): /.test(r.stderr)) return null;
  const m = /\n\n([^\n]+)\n(?:(?!\n\n)[\s\S])*Date::Calc::\w+\(\): [^\n]*\n?$/.exec(r.stderr.replace(/\n+$/, '\n'));
  return m ? m[1] : null;
}

function analyse(who: 'ours' | 'ref', log: string, lines: string[]): Facts | string {
  const conf = who === 'ours' ? path.join(ROOT, 'etc', 'psad.conf') : '/etc/psad/psad.conf';
  const go = (args: string[]) => (who === 'ours' ? runOurs([...args, '-c', conf]) : runReference([...args, '-c', conf]));
  const a = go(['-A', '--debug', '-m', log, '--no-rdns', '--no-whois']);
  const crash = dateCrash(a);
  if (crash !== null) {
    fs.rmSync(path.dirname(a.root), { recursive: true, force: true });
    return crash;
  }
  assert.equal(a.status, 0, `${who}: ${a.stderr.slice(-1000)}`);
  const c = go(['--CSV', '-m', log, '--CSV-fields', CSV_FIELDS]);
  assert.equal(c.status, 0, `${who} --CSV: ${c.stderr.slice(-1000)}`);
  const errors = errorLog(a);
  for (const r of [a, c]) fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
  // fwerrorlog keeps the order of the log: walk both
  let e = 0;
  const inErrorLog = candidates(lines).map((l) => (errors[e] === l ? (e++, true) : false));
  return {
    verdicts: verdicts(a.stderr, lines),
    inErrorLog,
    csv: c.stdout.split('\n').filter((l) => l !== ''),
    // the syslog host psad prints for each line
    hosts: a.stdout.split('\n').filter((l) => l.startsWith('    syslog hostname: ')),
    errors,
    run: a,
  };
}

/** A line by line comparison of two lists: the differing pairs. */
function pairsDiffer(a: string[], b: string[]): [number, string, string][] {
  const out: [number, string, string][] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push([i, a[i] ?? '<none>', b[i] ?? '<none>']);
  return out;
}

const VALID = /^\[\+\] valid packet: (\S+) \((-?\d+)\) -> (\S+) \((-?\d+)\) (\S+)$/;

/**
 * The differences the port keeps on purpose (README, "Differences from psad
 * 2.4.6"), or null for any other: a port above 65535 or an IP protocol
 * number above 255 (psad counts the packet, the port sends the line to
 * fwerrorlog) and a port written with leading zeros (psad keeps "0083" as
 * text, the port reads the number 83).
 */
function knownDifference(ours: string, oursErr: boolean, ref: string, refErr: boolean): string | null {
  const r = VALID.exec(ref);
  if (!r) return null;
  const toErrorLog = oursErr && !refErr;
  if ((Number(r[2]) > 65535 || Number(r[4]) > 65535) && /^\[-\] err packet: strange IPv[46] (TCP|UDP) format$/.test(ours) && toErrorLog) {
    return 'port above 65535';
  }
  if (/^\d+$/.test(r[5]) && Number(r[5]) > 255 && ours === '[-] err packet: unrecognized protocol' && toErrorLog) return 'protocol above 255';
  const o = VALID.exec(ours);
  if (o && / 0\d/.test(` ${r[2]} ${r[4]}`)) {
    const strip = (p: string) => String(Number(p));
    if (o[1] === r[1] && o[3] === r[3] && o[5] === r[5] && o[2] === strip(r[2]) && o[4] === strip(r[4]) && oursErr === refErr) return 'port with leading zeros';
  }
  return null;
}

// PSAD_DAMAGE_SEEDS=1-50 runs more seeds
const range = /^(\d+)-(\d+)$/.exec(process.env.PSAD_DAMAGE_SEEDS ?? '1-3') ?? ['', '1', '3'];
for (let seed = Number(range[1]); seed <= Number(range[2]); seed++) {
  test(`damaged lines (seed ${seed}): the same detection facts as psad 2.4.6`, { skip: NO_REF, timeout: 600000 }, (t) => {
    const d = damagedLog(sourceLines(), 4000, seed);
    const dir = tmpDir('damaged');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, lines: string[]) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
      return f;
    };

    const known = new Map<string, number>();
    const count = (k: string) => known.set(k, (known.get(k) ?? 0) + 1);
    // psad 2.4.6 dies on some damaged dates (the port uses the current time): those lines are left out
    let lines = d.lines;
    let ref: Facts | string;
    for (;;) {
      ref = analyse('ref', write('damaged.log', lines), lines);
      if (typeof ref !== 'string') break;
      const crash = ref;
      assert.ok((known.get('psad 2.4.6 dies on the date') ?? 0) < 20, 'too many crashes');
      count('psad 2.4.6 dies on the date');
      lines = lines.filter((l) => l !== crash);
    }
    // 1. every line: the verdict of the parse (counted or the error, addresses, ports, protocol) and fwerrorlog
    const ours = analyse('ours', write('damaged.log', lines), lines) as Facts;
    const cand = candidates(lines);
    assert.equal(ref.verdicts.length, cand.length);
    // lines set aside for the second comparison (known differences, and the unknown ones, reported in full above)
    const knownLines = new Set<string>();
    const unknown: string[] = [];
    for (let i = 0; i < cand.length; i++) {
      if (ours.verdicts[i] === ref.verdicts[i] && ours.inErrorLog[i] === ref.inErrorLog[i]) continue;
      const k = knownDifference(ours.verdicts[i], ours.inErrorLog[i], ref.verdicts[i], ref.inErrorLog[i]);
      if (k) {
        count(k);
        knownLines.add(cand[i]);
      } else {
        knownLines.add(cand[i]);
        unknown.push(`${JSON.stringify(cand[i])}\n  ours: ${ours.verdicts[i]}${ours.inErrorLog[i] ? ' (fwerrorlog)' : ''}`
          + `\n  psad: ${ref.verdicts[i]}${ref.inErrorLog[i] ? ' (fwerrorlog)' : ''}`);
      }
    }

    // 2. without the lines of known differences: every fact exactly, the CSV rows, the report, the trace
    const rest = lines.filter((l) => !knownLines.has(l));
    const log2 = write('rest.log', rest);
    const o2 = knownLines.size ? analyse('ours', log2, rest) as Facts : ours;
    const r2 = knownLines.size ? analyse('ref', log2, rest) as Facts : ref;
    const csvDiffs = pairsDiffer(o2.csv, r2.csv);
    const hostDiffs = pairsDiffer(o2.hosts, r2.hosts);
    const errDiffs = pairsDiffer(o2.errors, r2.errors);
    const reportDiffs = compareReports(withoutDebugLines(o2.run.stdout).split(dir).join('DIR'), withoutDebugLines(r2.run.stdout).split(dir).join('DIR'));
    // psad prints the numbers of its debug lines as written in the line ("win: 0024"), the port as numbers
    const rawTrace = compareDebug(o2.run, r2.run);
    const nz = (r: RunResult) => ({ stdout: r.stdout.replace(/\b0+(?=\d)/g, ''), stderr: r.stderr.replace(/\b0+(?=\d)/g, '') });
    const traceDiffs = rawTrace.length ? compareDebug(nz(o2.run), nz(r2.run)) : [];
    for (let k = traceDiffs.length; k < rawTrace.length; k++) count('debug text of a number with leading zeros');

    const counted = (ref as Facts).verdicts.filter((v) => v.startsWith('[+] valid packet')).length;
    // per parsed line: verdict, fwerrorlog; per counted packet: src, sp, dst, dp, proto; per CSV row 10 fields; host and time
    const facts = cand.length * 2 + counted * 5 + r2.csv.length * 10 + r2.hosts.length * 2;
    t.diagnostic(`${d.lines.length} lines (${d.damaged} damaged: ${Object.entries(d.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}); `
      + `${cand.length} parsed, ${counted} counted by psad 2.4.6, ${(ref as Facts).errors.length} to its fwerrorlog; ${facts} facts compared; `
      + `known differences: ${[...known].sort().map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}; `
      + `other differences: verdict/fwerrorlog ${unknown.length}, CSV ${csvDiffs.length}, syslog host ${hostDiffs.length}, `
      + `fwerrorlog ${errDiffs.length}, report ${reportDiffs.length}, trace ${traceDiffs.length}`);
    const show = (what: string, diffs: [number, string, string][]) => diffs.slice(0, 5).map(([i, a, b]) => `${what} #${i}:\n  ours: ${a}\n  psad: ${b}`).join('\n');
    assert.deepEqual(unknown, [], unknown.slice(0, 5).join('\n'));
    assert.deepEqual(csvDiffs, [], show('CSV row', csvDiffs));
    assert.deepEqual(hostDiffs, [], show('syslog host', hostDiffs));
    assert.deepEqual(errDiffs, [], show('fwerrorlog line', errDiffs));
    assert.deepEqual(reportDiffs, [], reportDiffs.join('\n'));
    assert.deepEqual(traceDiffs, [], traceDiffs.slice(0, 3).join('\n'));
  });
}

test('the damage is what it says: each kind, seeded', () => {
  const src = ['Nov 24 20:55:55 vm kernel: [ 2671.561306] DROP IN=vethfw OUT= MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00 SRC=10.77.0.2 DST=10.77.0.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=31552 PROTO=TCP SPT=51199 DPT=587 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) '];
  const a = damagedLog(src, 500, 7);
  assert.deepEqual(a, damagedLog(src, 500, 7));
  assert.ok(a.damaged > 300 && a.damaged < 500, String(a.damaged));
  for (const n of Object.values(a.kinds)) assert.ok(n > 40, JSON.stringify(a.kinds));
  const intact = a.lines.filter((l) => l === src[0]).length;
  assert.ok(intact > 50 && intact < 200, String(intact));
  assert.ok(a.lines.some((l) => l.length < src[0].length / 2), 'truncated lines');
  assert.ok(a.lines.some((l) => l.length > src[0].length + 20), 'repeated or spliced pieces');
  assert.ok(a.lines.every((l) => !/[\r\n]/.test(l)));
});
