import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { REFERENCE, ROOT, tmpDir } from '../helpers/paths';
import { runOurs, RunResult } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared, needsShared } from '../helpers/requires';

/**
 * --gnuplot against psad 2.4.6: the console lines, the .dat file and the
 * .gnu file, apart from the header's command line and clock, and where the
 * port deliberately differs (asserted explicitly):
 * - time stamps carry the right year (2.4.6: always one year too early);
 * - the .gnu file loads in gnuplot 5 (`set timefmt "%s"`; 2.4.6 writes the
 *   gnuplot 4 form `set timefmt x "%s"`, which gnuplot 5 rejects) and, for a
 *   log spanning less than two days, labels the time axis with the time of
 *   day and fewer tics (2.4.6: "%m/%d" only, the same date at every tic);
 * - --CSV-max-lines N keeps N records; --plot-separator takes its argument;
 *   --gnuplot-legend-title works besides 2.4.6's --gnuplot-legend-titls;
 * - equal counts sorted by value come in x order (2.4.6: random).
 */
const SKIP = needsReferenceAndShared();
/** the tests that run psad-node alone still read the upstream test logs */
const SHARED = needsShared();
const LOGS_DIR = path.join(REFERENCE, 'test/scans/iptables');
const SYN = path.join(LOGS_DIR, 'syn_scan_1000_1500');
const MULTI = path.join(LOGS_DIR, 'syn_scan_1000_1500_multi_dst');
const CONF = ['-c', '/etc/psad/psad.conf'];
const OUR_CONF = ['-c', path.join(ROOT, 'etc', 'psad.conf')];
const HAVE_GNUPLOT = spawnSync('gnuplot', ['--version']).status === 0;

interface Run extends RunResult {
  files: Map<string, string>;
  cwd: string;
}

function collect(r: RunResult & { root: string }, cwd: string): Run {
  const files = new Map<string, string>();
  for (const f of fs.readdirSync(cwd)) files.set(f, fs.readFileSync(path.join(cwd, f), 'latin1'));
  fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
  return { ...r, files, cwd };
}

function ours(args: string[], conf = CONF, cwd = tmpDir('gp-ours')): Run {
  return collect(runOurs(['--gnuplot', ...conf, ...args], { cwd }), cwd);
}

function reference(args: string[], cwd = tmpDir('gp-ref')): Run {
  return collect(runReference(['--gnuplot', ...CONF, ...args], { cwd }), cwd);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Epoch seconds as the local "Mmm dd HH:MM:SS" they were made from (no year). */
function noYear(t: number): string {
  const d = new Date(t * 1000);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Header clock and command line removed; with `years`, epoch values replaced by their date without the year. */
function norm(text: string, years: boolean): string {
  let t = text.replace(/^# (Command line|Time stamp):.*\n/gm, '');
  if (years) t = t.replace(/\b1\d{9}\b/g, (n) => `<${noYear(Number(n))}>`);
  return t;
}

/** The year a syslog date without one belongs to: this year, or the last one when it lies after today. */
function expectedYear(mon: number, day: number): number {
  const now = new Date();
  return mon > now.getMonth() + 1 || (mon === now.getMonth() + 1 && day > now.getDate()) ? now.getFullYear() - 1 : now.getFullYear();
}

/** Every "epoch=Mmm dd HH:MM:SS" comment of a .dat file names the right local time and year. */
function checkYears(dat: string): number {
  let n = 0;
  for (const m of dat.matchAll(/(\d{10})=(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) /g)) {
    const d = new Date(Number(m[1]) * 1000);
    const mon = MONTHS.indexOf(m[2]) + 1;
    assert.equal(d.getFullYear(), expectedYear(mon, Number(m[3])), `${m[0]}: year`);
    assert.equal(noYear(Number(m[1])), `${m[2]} ${m[3].padStart(2, ' ')} ${m[4]}:${m[5]}:${m[6]}`);
    n++;
  }
  return n;
}

const DAT = 'psad_iptables.dat';
const GNU = 'psad_iptables.gnu';

/** The reference's .gnu with the port's fixes for a time axis spanning `span` seconds. */
function fixedTimeGnu(ref: string, format: string, tics: number | null): string {
  return ref.replace('set timefmt x "%s"\n', 'set timefmt "%s"\n')
    .replace('set format x "%m/%d"\n', `set format x "${format}"\n${tics ? `set xtics ${tics}\n` : ''}`);
}

function compare(args: string[], opts: { years?: boolean; gnu?: (ref: string) => string; log?: string } = {}): { r: Run; o: Run } {
  const log = opts.log ?? MULTI;
  const r = reference(['-m', log, ...args]);
  const o = ours(['-m', log, ...args]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(o.status, 0, o.stderr);
  assert.equal(o.stderr, '');
  assert.equal(o.stdout, r.stdout);
  const names = [...r.files.keys()].sort();
  assert.deepEqual([...o.files.keys()].sort(), names);
  const dat = names.find((n) => n.endsWith('.dat'))!;
  const gnu = names.find((n) => n.endsWith('.gnu'))!;
  assert.equal(norm(o.files.get(dat)!, !!opts.years), norm(r.files.get(dat)!, !!opts.years), 'data file');
  const refGnu = norm(r.files.get(gnu)!, false);
  assert.equal(norm(o.files.get(gnu)!, false), opts.gnu ? opts.gnu(refGnu) : refGnu, 'directive file');
  for (const x of [o, r]) {
    for (const n of names) assert.equal(fs.statSync(path.join(x.cwd, n)).mode & 0o777, 0o644, n);
  }
  return { r, o };
}

test('"timestamp dp": the reference\'s data with the right year, and a .gnu that gnuplot 5 loads', { skip: SKIP }, () => {
  const { o } = compare(['--CSV-fields', 'timestamp dp'], { log: SYN, years: true, gnu: (g) => fixedTimeGnu(g, '%m/%d\\n%H:%M:%S', 30) });
  assert.equal(checkYears(o.files.get(DAT)!), 1002);
  assert.match(o.stdout, /^\[\+\] Entering Gnuplot mode\.\.\.\n\[\+\] Parsing iptables log messages from file: .*syn_scan_1000_1500\n\[\+\] Parsed 1002 iptables log messages\.\n\[\+\] Writing parsed iptables data to: psad_iptables\.dat\n\[\+\] Writing gnuplot directive file: psad_iptables\.gnu\n$/);
  const header = o.files.get(GNU)!.split('\n').slice(0, 10);
  assert.deepEqual(header.filter((l) => !/^# (Command|Time)/.test(l)), ['#', '#'.repeat(76), '#', '# Generated by psad v2.4.6', '#', '#'.repeat(76), '#', '']);
  assert.match(header[4], /^# Command line: 'psad --gnuplot -c \/etc\/psad\/psad\.conf -m .*syn_scan_1000_1500 --CSV-fields timestamp dp -O .*'$/);
  assert.match(header[5], /^# Time stamp: {2}\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
});

test('the year of a log that crosses New Year\'s Eve: December in the previous year, January after it', { skip: SHARED }, () => {
  const dir = tmpDir('gp-year');
  const line = fs.readFileSync(SYN, 'latin1').split('\n')[0];
  const log = path.join(dir, 'in.log');
  fs.writeFileSync(log, `${line.replace('Mar 11', 'Dec 31')}\n${line.replace('Mar 11', 'Jan  1')}\n`);
  const o = ours(['-m', log, '--CSV-fields', 'timestamp dp'], OUR_CONF);
  assert.equal(o.status, 0, o.stderr);
  const [dec, jan] = [...o.files.get(DAT)!.matchAll(/^(\d+), 1025/gm)].map((m) => new Date(Number(m[1]) * 1000));
  // Jan 1 is never after today: this year; the December before it: last year
  assert.equal(jan.getFullYear(), new Date().getFullYear());
  assert.equal(dec.getFullYear(), new Date().getFullYear() - 1);
  assert.equal(`${dec.getMonth()} ${dec.getDate()} ${jan.getMonth()} ${jan.getDate()}`, '11 31 0 1');
});

test('all labels, ranges, title, legend (both spellings), style and grayscale: as psad 2.4.6', { skip: SKIP }, () => {
  const args = ['--CSV-fields', 'dst dp', '--gnuplot-title', 'My title', '--gnuplot-x-label', 'X', '--gnuplot-y-label', 'Y',
    '--gnuplot-x-range', '0:10', '--gnuplot-y-range', '1000:1500', '--gnuplot-graph-style', 'dots', '--gnuplot-grayscale'];
  // grayscale: gnuplot 5 no longer takes colours as png terminal options
  const gray = (g: string) => g.replace(/^set terminal png transparent xffffff x000000 (?:x606060 ){6}nocrop enhanced\n/m,
    'set terminal png transparent nocrop enhanced\nset monochrome linetype 1 linecolor rgb "#606060"\n');
  const { o } = compare([...args, '--gnuplot-legend-titls', 'legend'], { gnu: gray });
  assert.match(o.files.get(GNU)!, /^plot 'psad_iptables\.dat' using 1:2 with dots title 'legend'$/m);
  const spelled = ours(['-m', MULTI, ...args, '--gnuplot-legend-title', 'legend']);
  assert.equal(spelled.status, 0, spelled.stderr);
  assert.equal(norm(spelled.files.get(GNU)!, false), norm(o.files.get(GNU)!, false));
  const refSpelled = runReference(['--gnuplot', ...CONF, '-m', MULTI, ...args, '--gnuplot-legend-title', 'legend'], { cwd: tmpDir('gp') });
  assert.match(refSpelled.stderr, /Unknown option: gnuplot-legend-title/);
});

test('three fields: splot with z label, z range, view; --gnuplot-interactive leaves out the terminal', { skip: SKIP }, () => {
  const { o } = compare(['--CSV-fields', 'src dst dp', '--gnuplot-zlabel', 'Z', '--gnuplot-zrange', '1:2', '--gnuplot-view', '60,30',
    '--gnuplot-interactive']);
  const gnu = o.files.get(GNU)!;
  assert.doesNotMatch(gnu, /set terminal|set output/);
  assert.match(gnu, /^set view 60,30\nsplot 'psad_iptables\.dat' using 1:2:3 with points title '\(src,dst,dp\)'$/m);
});

test('--gnuplot-3D of two fields, and the file names (--gnuplot-file-prefix, --gnuplot-dat/plot/png-file)', { skip: SKIP }, () => {
  compare(['--CSV-fields', 'dst dp', '--gnuplot-3D', '--gnuplot-view', '10,20']);
  const { o } = compare(['--CSV-fields', 'dst dp', '--gnuplot-file-prefix', 'scan']);
  assert.deepEqual([...o.files.keys()].sort(), ['scan.dat', 'scan.gnu']);
  assert.match(o.files.get('scan.gnu')!, /^set output "scan\.png"\n[^]*^plot 'scan\.dat' /m);
  const n = compare(['--CSV-fields', 'dst dp', '--gnuplot-dat-file', 'a.dat', '--gnuplot-plot-file', 'b.gnu', '--gnuplot-png-file', 'c.png']).o;
  assert.deepEqual([...n.files.keys()].sort(), ['a.dat', 'b.gnu']);
});

test('mapped fields (addresses, protocols, interfaces, text) with their comments: as psad 2.4.6', { skip: SKIP }, () => {
  const all = path.join(tmpDir('gp-all'), 'all.log');
  fs.writeFileSync(all, Buffer.concat(['syn_scan_1000_1500_multi_dst', 'proto_scan', 'udp_scan_1000_1150', 'ipv4_valid_ping',
    'mirai_default_credentials_scan', 'fin_scan_1000_1150', 'xmas_scan_1000_1150', 'syslog_time_fmt1.log']
    .map((l) => fs.readFileSync(path.join(LOGS_DIR, l)))));
  for (const fields of ['proto dp', 'intf log_prefix chain', 'flags tos ttl', 'src_mac dst_mac tcp_opts', 'src dst', 'syslog_host itype icode']) {
    const { o } = compare(['--CSV-fields', fields], { log: all });
    assert.ok(o.files.get(DAT)!.split('\n').length > 3000, fields);
  }
});

test('counts: count, countuniq, count on the third field, 3D counts: as psad 2.4.6', { skip: SKIP }, () => {
  for (const extra of [['src dst dp:count'], ['src dst dp:countuniq'], ['dst dp:count', '--gnuplot-3d'],
    ['dst dp:countuniq', '--gnuplot-3d'], ['dst dp:count', '--gnuplot-sort-style', 'time']]) {
    compare(['--CSV-fields', ...extra]);
  }
  // two x values with the same count: psad 2.4.6 prints them in random order
  const sp = ours(['-m', MULTI, '--CSV-fields', 'sp dp:count']);
  assert.match(sp.files.get(DAT)!, /\n\n56247, 2004  ### \n56248, 2004  ### \n$/);
});

test('time-bucket counts (counthour, countmin, countminuniq): as psad 2.4.6 with the right year', { skip: SKIP }, () => {
  const span = (g: string) => fixedTimeGnu(g, '%m/%d\\n%H:%M:%S', 30);
  for (const f of ['timestamp dp:counthour', 'timestamp dp:countmin', 'timestamp dst:countminuniq']) {
    const { o } = compare(['--CSV-fields', f], { years: true, gnu: span });
    assert.ok(checkYears(o.files.get(DAT)!) > 0);
  }
});

test('counts sorted by value: the same rows as psad 2.4.6, equal counts in x order', { skip: SKIP }, () => {
  for (const f of ['dst dp:countuniq', 'dst dp:count', 'timestamp src:count']) {
    const r = reference(['-m', MULTI, '--CSV-fields', f]);
    const o = ours(['-m', MULTI, '--CSV-fields', f]);
    assert.equal(o.status, 0, o.stderr);
    const rows = (t: string) => norm(t, true).split('\n').filter((l) => /^[\d<]/.test(l));
    assert.deepEqual([...rows(o.files.get(DAT)!)].sort(), [...rows(r.files.get(DAT)!)].sort(), f);
    const pairs = o.files.get(DAT)!.split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(/, | {2}/).map(Number));
    for (let i = 1; i < pairs.length; i++) {
      const [x0, c0] = pairs[i - 1];
      const [x1, c1] = pairs[i];
      assert.ok(c0 > c1 || (c0 === c1 && x0 < x1), `${f}: row ${i}`);
    }
  }
});

test('countabs and a count on the first field give no rows, as in psad 2.4.6', { skip: SKIP }, () => {
  for (const f of ['dp sp:countabs', 'dp:count sp']) {
    const { o } = compare(['--CSV-fields', f]);
    assert.equal(o.files.get(DAT)!.split('\n').length, 11, f);
  }
});

test('log lines with ISO time stamps stay as text, as in psad 2.4.6', { skip: SKIP }, () => {
  const { o } = compare(['--CSV-fields', 'timestamp dp'], { log: path.join(LOGS_DIR, 'syslog_time_fmt1.log'),
    gnu: (g) => g.replace('set timefmt x "%s"\n', 'set timefmt "%s"\n') });
  assert.match(o.files.get(DAT)!, /^2015-03-07T05:09:30\.045015\+02:00, 21$/m);
});

test('--CSV-regex, criteria and --CSV-end-line select the records as in psad 2.4.6', { skip: SKIP }, () => {
  const { o } = compare(['--CSV-fields', 'dst:192.168.10.0/25 dp:>1200', '--CSV-regex', 'TTL=5\\d', '--CSV-end-line', '3000']);
  assert.match(o.stdout, /Parsed 3000 iptables log messages\./);
});

test('--CSV-max-lines N keeps N records (psad 2.4.6 keeps N-1)', { skip: SKIP }, () => {
  const o = ours(['-m', MULTI, '--CSV-fields', 'dst dp', '--CSV-max-lines', '10']);
  const r = reference(['-m', MULTI, '--CSV-fields', 'dst dp', '--CSV-max-lines', '11']);
  const r10 = reference(['-m', MULTI, '--CSV-fields', 'dst dp', '--CSV-max-lines', '10']);
  const data = (x: Run) => x.files.get(DAT)!.split('\n').filter((l) => /^\d/.test(l));
  assert.equal(data(r10).length, 9);
  assert.equal(data(o).length, 10);
  assert.deepEqual(data(o), data(r));
  assert.match(o.stdout, /Parsed 10 iptables log messages\./);
});

test('--plot-separator takes a string', { skip: SHARED }, () => {
  const o = ours(['-m', SYN, '--CSV-fields', 'dst dp', '--plot-separator', ' ', '--CSV-max-lines', '2'], OUR_CONF);
  assert.equal(o.status, 0, o.stderr);
  assert.match(o.files.get(DAT)!, /\n\n1 1025  ### 1=192\.168\.10\.1 \n1 1153  ### 1=192\.168\.10\.1 \n$/);
});

test('--CSV-stdin reads the log from standard input', { skip: SKIP }, () => {
  const input = fs.readFileSync(SYN, 'latin1');
  const cwdO = tmpDir('gp');
  const cwdR = tmpDir('gp');
  const o = collect(runOurs(['--gnuplot', ...CONF, '--CSV-stdin', '--CSV-fields', 'dst dp'], { cwd: cwdO, input }), cwdO);
  const r = collect(runReference(['--gnuplot', ...CONF, '--CSV-stdin', '--CSV-fields', 'dst dp'], { cwd: cwdR, input }), cwdR);
  assert.equal(o.stdout, r.stdout);
  assert.match(o.stdout, /Parsing iptables log messages from STDIN\n\[\+\] Parsed 1002 /);
  assert.equal(norm(o.files.get(DAT)!, false), norm(r.files.get(DAT)!, false));
});

test('a template is copied as the .gnu file', { skip: SHARED }, () => {
  const cwd = tmpDir('gp-tpl');
  const tpl = path.join(cwd, 'my.tpl');
  fs.writeFileSync(tpl, 'set terminal png size 800,300\nset output "t.png"\nplot "psad_iptables.dat" using 1:2\n');
  const o = ours(['-m', SYN, '--CSV-fields', 'dst dp', '--gnuplot-template', tpl], OUR_CONF, cwd);
  assert.equal(o.status, 0, o.stderr);
  assert.match(o.stdout, /\[\+\] Using Gnuplot template file: .*my\.tpl\n$/);
  assert.equal(o.files.get(GNU), fs.readFileSync(tpl, 'latin1'));
});

function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(b.toString('latin1', 12, 16), 'IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gnuplot(cwd: string, file = GNU): void {
  const g = spawnSync('gnuplot', [file], { cwd, encoding: 'latin1' });
  assert.equal(g.status, 0, g.stderr);
  assert.doesNotMatch(g.stderr, /error/i, g.stderr);
}

test('gnuplot renders the files of a scan log to a PNG of the default size', { skip: SHARED || (!HAVE_GNUPLOT && 'gnuplot is not installed') }, () => {
  for (const args of [['--CSV-fields', 'timestamp dp'], ['--CSV-fields', 'timestamp dp:countmin'], ['--CSV-fields', 'dst dp:countuniq'],
    ['--CSV-fields', 'src dst dp:countuniq'],
    ['--CSV-fields', 'dst dp:count', '--gnuplot-3D', '--gnuplot-grayscale'], ['--CSV-fields', 'timestamp dp', '--gnuplot-grayscale']]) {
    const cwd = tmpDir('gp-png');
    const o = ours(['-m', MULTI, ...args], OUR_CONF, cwd);
    assert.equal(o.status, 0, o.stderr);
    gnuplot(cwd);
    assert.deepEqual(pngSize(path.join(cwd, 'psad_iptables.png')), { width: 640, height: 480 }, args.join(' '));
    fs.rmSync(cwd, { recursive: true, force: true });
  }
});

test('gnuplot renders a PNG of the size a template asks for', { skip: SHARED || (!HAVE_GNUPLOT && 'gnuplot is not installed') }, () => {
  const cwd = tmpDir('gp-png');
  const tpl = path.join(cwd, 'size.tpl');
  fs.writeFileSync(tpl, 'set terminal png size 800,300\nset output "sized.png"\nset xdata time\nset timefmt "%s"\n'
    + 'plot "psad_iptables.dat" using 1:2 with points\n');
  const o = ours(['-m', SYN, '--CSV-fields', 'timestamp dp', '--gnuplot-template', tpl], OUR_CONF, cwd);
  assert.equal(o.status, 0, o.stderr);
  gnuplot(cwd);
  assert.deepEqual(pngSize(path.join(cwd, 'sized.png')), { width: 800, height: 300 });
});

test('psad 2.4.6\'s own .gnu file does not load in gnuplot 5 (why the port writes `set timefmt "%s"`)', { skip: (SKIP || (!HAVE_GNUPLOT && 'gnuplot is not installed')) as string | false }, () => {
  const r = reference(['-m', SYN, '--CSV-fields', 'timestamp dp']);
  const g = spawnSync('gnuplot', [GNU], { cwd: r.cwd, encoding: 'latin1' });
  assert.notEqual(g.status, 0);
  assert.match(g.stderr, /set timefmt x/);
});

function noTrace(r: RunResult): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
}

test('bad input: no fields, bad ranges, a bad view, a bad field, an unreadable template: exit 1, files untouched', { skip: SHARED }, () => {
  const cwd = tmpDir('gp-bad');
  const old = { [DAT]: 'old data\n', [GNU]: 'old directives\n' };
  const cases: [string[], RegExp][] = [
    [[], /^\[\*\] Must specify which iptables fields to plot with the --CSV-fields argument\.$/m],
    [['--CSV-fields', 'dst dp', '--gnuplot-x-range', 'a:b'], /^\[\*\] range argument must be formatted as <start>:<end>, e\.g\. 1:10$/m],
    [['--CSV-fields', 'timestamp dp', '--gnuplot-x-range', '12'], /^\[\*\] range argument must be formatted as <start>:<end>$/m],
    [['--CSV-fields', 'dst dp', '--gnuplot-y-range', '1-2'], /^\[\*\] range argument must be formatted as <start>:<end>, e\.g\. 1:10$/m],
    [['--CSV-fields', 'src dst dp', '--gnuplot-z-range', 'x'], /^\[\*\] range argument must be formatted/m],
    [['--CSV-fields', 'src dst dp', '--gnuplot-view', 'abc'], /^\[\*\] View must be a coordinate pair such as 60,30$/m],
    [['--CSV-fields', 'dst nosuchfield'], /^\[\*\] nosuchfield is not a valid packet field; valid fields are:$/m],
    [['--CSV-fields', 'timestamp:countday dp'], /^\[\*\] The first search field must be 'timestamp' for time-based counts$/m],
    [['--CSV-fields', 'dst dp', '--CSV-regex', '(('], /^\[\*\] The --CSV-regex argument "\(\(" is not a valid regular expression/m],
    [['--CSV-fields', 'dst dp', '--gnuplot-template', path.join(cwd, 'missing.tpl')],
      /^\[\*\] Could not copy .*missing\.tpl -> psad_iptables\.gnu: No such file or directory$/m],
    [['--CSV-fields', 'dst dp', '--gnuplot-template', cwd], /^\[\*\] Could not copy .* -> psad_iptables\.gnu: Is a directory$/m],
  ];
  for (const [args, re] of cases) {
    for (const [f, t] of Object.entries(old)) fs.writeFileSync(path.join(cwd, f), t);
    const r = runOurs(['--gnuplot', ...OUR_CONF, '-m', SYN, ...args], { cwd });
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    noTrace(r);
    for (const [f, t] of Object.entries(old)) assert.equal(fs.readFileSync(path.join(cwd, f), 'latin1'), t, `${args.join(' ')}: ${f}`);
    assert.deepEqual(fs.readdirSync(cwd).sort(), [DAT, GNU], args.join(' '));
  }
});

test('a large log goes through a 64 MB heap (records are kept as a few numbers each)', { skip: SHARED, timeout: 300000 }, () => {
  const cwd = tmpDir('gp-big');
  const log = path.join(cwd, 'big.log');
  const base = fs.readFileSync(SYN);
  const fd = fs.openSync(log, 'w');
  for (let i = 0; i < 500; i++) fs.writeSync(fd, base);
  fs.closeSync(fd);
  const ovr = path.join(cwd, 'ovr.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${cwd}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\n`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'psad'), '--gnuplot', ...OUR_CONF, '-O', ovr, '-m', log,
    '--CSV-fields', 'timestamp dp:countmin'], { cwd, encoding: 'latin1', env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Parsed 501000 iptables log messages/);
  const rows = fs.readFileSync(path.join(cwd, DAT), 'latin1').split('\n').filter((l) => /^\d/.test(l));
  assert.equal(rows.map((l) => parseInt(l.split(', ')[1], 10)).reduce((a, b) => a + b, 0), 501000);
  fs.rmSync(cwd, { recursive: true, force: true });
});
