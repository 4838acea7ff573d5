import * as fs from 'fs';
import * as path from 'path';
import { simpleParser } from 'mailparser';
import { ROOT, tmpDir } from './paths';
import { runOurs, RunResult } from './run';
import { runReference } from './reference';
import { compareReports } from './report-compare';
import { mailStandIn, normalizeAlertBody, standInMails } from './mail-compare';

/**
 * Golden cases: test/golden/<case>/ holds a log this project captured
 * (input.log, remade by scripts/capture-golden.sh from the case's
 * capture.sh), the config overrides it needs (overrides.conf), its options
 * (case.json: extra psad arguments, and for a case where psad-node differs
 * on purpose, the README difference it shows) and the expected outputs
 * (expected/): the -A report, the CSV rows, the --analysis-write-data files
 * and the alert mails, as psad 2.4.6 prints them (npm run golden:refresh).
 *
 * What depends on the clock is put in a form that does not: the clock in
 * the alert header and footer becomes CLOCK, the time of a signature match
 * T, and a scan start (printed in local time, with a year taken from the
 * current date) the UTC month, day and time it stands for; the "Current
 * interval" lines psad-node prints and psad 2.4.6 does not (Q17) are left
 * out. Everything else is compared as printed, allowing only what psad
 * 2.4.6 leaves to Perl's hash order.
 */

export const GOLDEN = path.join(ROOT, 'test', 'golden');

export interface GoldenCase {
  name: string;
  dir: string;
  /** the first comment line of capture.sh */
  about: string;
  capture: string;
  /** extra psad arguments for the -A runs */
  args: string[];
  overrides: string;
  /** the README difference this case shows (its expected files hold psad-node's output) */
  differs?: string;
}

export function goldenCases(): GoldenCase[] {
  if (!fs.existsSync(GOLDEN)) return [];
  return fs.readdirSync(GOLDEN).sort().filter((n) => fs.existsSync(path.join(GOLDEN, n, 'capture.sh'))).map((name) => {
    const dir = path.join(GOLDEN, name);
    const capture = fs.readFileSync(path.join(dir, 'capture.sh'), 'utf8');
    const meta = fs.existsSync(path.join(dir, 'case.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) : {};
    const ovr = path.join(dir, 'overrides.conf');
    return {
      name, dir, capture,
      about: /^# (.*)$/m.exec(capture)?.[1] ?? name,
      args: meta.args ?? [],
      overrides: fs.existsSync(ovr) ? fs.readFileSync(ovr, 'utf8') : '',
      differs: meta.differs,
    };
  });
}

/** Everything a case shows: file name (relative to expected/) -> text. */
export type Outputs = Map<string, string>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** UTC "Mmm dd HH:MM:SS" of epoch seconds. */
function utcNoYear(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * A ctime() string in this process's time zone (the zone the program ran
 * in) as the UTC "Mmm dd HH:MM:SS" it stands for, or a marker of what is
 * wrong with it (a weekday that is not the date's).
 */
export function ctimeAsUtc(text: string): string {
  const m = /^(\w{3}) (\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(text);
  if (!m) return `<not a ctime: ${text}>`;
  const d = new Date(Number(m[7]), MONTHS.indexOf(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (DAYS[d.getDay()] !== m[1]) return `<wrong weekday: ${text}>`;
  return `${utcNoYear(d.getTime() / 1000)} UTC`;
}

/** An alert text with its clock fields made independent of the clock (see above). */
export function stableAlertText(text: string): string {
  return text
    .replace(/^(=-=-=-=-=-=-=-=-=-=-=-= ).*( =-=-=-=-=-=-=-=-=-=-=-=)$/gm, '$1CLOCK$2')
    .replace(/^ {5}Current interval: .*\n {23}.* \(end\)\n\n/m, '')
    .replace(/^( {3}Overall scan start: )(.*)$/m, (_, a: string, t: string) => `${a}${ctimeAsUtc(t)}`);
}

/** A --analysis-write-data file made independent of the clock. */
function stableDataFile(name: string, text: string): string {
  if (name.endsWith('_start_time')) return /^\d+$/.test(text.trim()) ? `${utcNoYear(Number(text.trim()))} UTC\n` : text;
  if (name.endsWith('_signatures')) return text.replace(/^\d{9,} /gm, 'T ');
  if (name.endsWith('_email_alert')) return stableAlertText(text);
  return text;
}

function walk(dir: string, base = dir, out = new Map<string, string>()): Map<string, string> {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, base, out);
    else out.set(path.relative(base, p), fs.readFileSync(p, 'latin1'));
  }
  return out;
}

function check(r: RunResult, what: string): void {
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}\n${r.stderr}`);
}

/** The name a mail is kept under: its source and destination. */
function mailName(subject: string): string {
  const m = /src: (\S+) dst: (\S+)/.exec(subject);
  return `mail/${m ? `${m[1]}-${m[2]}` : subject.replace(/[^\w.-]+/g, '_')}.txt`.replace(/:/g, '_');
}

/**
 * Runs a case through psad-node or psad 2.4.6: the -A report, the files
 * and mails of -A --analysis-write-data -e, and the CSV rows.
 */
export async function runCase(c: GoldenCase, program: 'ours' | 'reference'): Promise<Outputs> {
  const out: Outputs = new Map();
  const run = program === 'ours' ? runOurs : runReference;
  const conf = program === 'ours' ? path.join(ROOT, 'etc', 'psad.conf') : '/etc/psad/psad.conf';
  const base = ['-A', '-m', 'input.log', '--no-rdns', '--no-whois', '--no-netstat', '-c', conf, ...c.args];
  const tmps: string[] = [];
  try {
    const a = run(base, { cwd: c.dir, extraConf: c.overrides });
    tmps.push(path.dirname(a.root));
    check(a, `${program} -A`);
    out.set('analysis.txt', a.stdout);

    const mdir = tmpDir('golden-mail');
    tmps.push(mdir);
    const mailConf = program === 'ours' ? `sendmailCmd ${mailStandIn(mdir, 'sendmail.sh')};\n` : `mailCmd ${mailStandIn(mdir)};\n`;
    const w = run([...base, '--analysis-write-data', '-e'], { cwd: c.dir, extraConf: `${c.overrides}\n${mailConf}` });
    tmps.push(path.dirname(w.root));
    check(w, `${program} -A --analysis-write-data -e`);
    for (const [name, text] of walk(path.join(w.root, 'var/log/psad/ipt_analysis'))) out.set(`data/${name}`, stableDataFile(name, text));
    for (const m of standInMails(mdir)) {
      let subject: string;
      let body: string;
      if (program === 'ours') {
        const p = await simpleParser(Buffer.from(m.body, 'latin1'));
        subject = p.subject ?? '';
        body = p.text ?? '';
      } else {
        subject = m.args[1];
        body = m.body;
      }
      out.set(mailName(subject), `Subject: ${subject}\n\n${stableAlertText(body)}`);
    }

    const csv = run(['--CSV', '-m', 'input.log', '-c', conf], { cwd: c.dir, extraConf: c.overrides });
    tmps.push(path.dirname(csv.root));
    check(csv, `${program} --CSV`);
    out.set('csv.txt', csv.stdout);
  } finally {
    for (const d of tmps) fs.rmSync(d, { recursive: true, force: true });
  }
  return out;
}

export function readExpected(c: GoldenCase): Outputs {
  return walk(path.join(c.dir, 'expected'));
}

export function writeExpected(c: GoldenCase, o: Outputs): void {
  const dir = path.join(c.dir, 'expected');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, text] of o) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), Buffer.from(text, 'latin1'));
  }
}

const sortedLines = (t: string) => t.split('\n').sort().join('\n');

/**
 * The differences between a case's outputs and the expected ones. With
 * `exact`, hash order is not allowed for (psad-node's own output, whose
 * order is fixed).
 */
export function compareOutputs(ours: Outputs, expected: Outputs, exact = false): string[] {
  const diffs: string[] = [];
  const names = (o: Outputs) => [...o.keys()].sort().join('\n');
  if (names(ours) !== names(expected)) diffs.push(`files:\n  ours:     ${[...ours.keys()].sort().join(' ')}\n  expected: ${[...expected.keys()].sort().join(' ')}`);
  for (const [name, exp] of expected) {
    const got = ours.get(name);
    if (got === undefined) continue;
    if (exact || name === 'csv.txt' || /(_start_time|danger_level|email_ctr|os_guess|fwerrorlog)$/.test(name)) {
      if (got !== exp) diffs.push(`${name} differs at line ${firstDiff(got, exp)}`);
    } else if (name === 'analysis.txt') {
      const d = compareReports(got, exp);
      if (d.length) diffs.push(`${name}:\n${d.join('\n')}`);
    } else if (name.startsWith('mail/') || name.endsWith('_email_alert')) {
      if (normalizeAlertBody(got) !== normalizeAlertBody(exp)) diffs.push(`${name} differs (hash order allowed) at line ${firstDiff(normalizeAlertBody(got), normalizeAlertBody(exp))}`);
    } else if (sortedLines(got) !== sortedLines(exp)) {
      // _signatures, _packet_ctr, p0f_guess: lines in hash order
      diffs.push(`${name}: other lines (any order)\n  ours:     ${got.trim().split('\n').join('\n            ')}\n  expected: ${exp.trim().split('\n').join('\n            ')}`);
    }
  }
  return diffs;
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `${i + 1}:\n  ours:     ${x[i] ?? '(end)'}\n  expected: ${y[i] ?? '(end)'}`;
  }
  return '(none)';
}
