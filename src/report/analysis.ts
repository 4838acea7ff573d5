import * as fs from 'fs';
import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { describeErrno } from '../config/conf-file';
import { openLogInput } from '../ingest/log-input';
import { Engine } from '../engine/engine';
import { Batch } from '../engine/state';
import { Packet } from '../ingest/packet';
import { parseLine, PKT_ERROR, PKT_IGNORE, ParserOptions, ParserState } from '../ingest/parse';
import { forEachLine, countInOutLines } from '../ingest/line-reader';
import { FieldFilter } from '../ingest/field-filter';
import { renderReport, ReportContext } from './status-report';

export interface AnalysisOptions {
  /** -m file, or null for --stdin */
  file: string | null;
  /** --packets N (0 = all) */
  maxPackets: number;
  noIptErrors: boolean;
  filter: FieldFilter | null;
  out: (text: string) => void;
}

/** Progress step of the "Processed N packets..." lines (get_scale_factor). */
export function scaleFactor(lastIndex: number): number {
  let v: number;
  if (lastIndex < 100) v = lastIndex;
  else {
    v = Math.floor(lastIndex / 10);
    if (v < 100) v -= v % 10;
    else if (v < 1000) v -= v % 100;
    else if (v < 10000) v -= v % 1000;
    else if (v < 100000) v -= v % 10000;
    else if (v < 1000000) v -= v % 100000;
    else v = 50000;
  }
  return v + 1;
}

/** Rebases every path under PSAD_DIR onto ANALYSIS_MODE_DIR, as -A does. */
export function rebaseForAnalysis(cfg: PsadConfig): void {
  const psadDir = cfg.get('PSAD_DIR');
  const amd = cfg.get('ANALYSIS_MODE_DIR');
  for (const [k, v] of cfg.vars) {
    if (k === 'PSAD_DIR' || k === 'ANALYSIS_MODE_DIR' || k === 'ANALYSIS_OUTPUT_FILE') continue;
    if (v.includes(`${psadDir}/`)) cfg.set(k, v.replace(psadDir, amd));
  }
  cfg.set('PSAD_DIR', amd);
}

export function makePsadDirs(cfg: PsadConfig): void {
  for (const k of ['PSAD_DIR', 'PSAD_RUN_DIR', 'PSAD_FIFO_DIR', 'PSAD_CONF_DIR', 'CONF_ARCHIVE_DIR', 'PSAD_ERR_DIR']) {
    const d = cfg.get(k);
    try {
      if (!fs.existsSync(d)) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new PsadError(`Could not mkdir ${d}: ${describeErrno(e as NodeJS.ErrnoException)}`);
    }
  }
}

/** The -A candidate rule: `IN.*OUT`, then the search strings (a line may count twice). */
function candidateCount(line: string, cfg: PsadConfig, sidRe: RegExp, search: RegExp[]): number {
  const i = line.indexOf('IN');
  if (i < 0 || line.indexOf('OUT', i + 2) < 0) return 0;
  if (cfg.get('FW_SEARCH_ALL') === 'Y') return 1;
  if (sidRe.test(line)) return 1;
  let n = 0;
  for (const re of search) if (re.test(line)) n++;
  return n;
}

/** An append-only writer that buffers the error log in memory up to a limit. */
class ErrorLog {
  private chunks: string[] = [];
  private size = 0;
  private fd = -1;

  constructor(private readonly file: string) {}

  add(line: string, eol: boolean): void {
    const text = eol ? line + '\n' : line;
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  flush(): void {
    if (!this.chunks.length) return;
    if (this.fd < 0) this.fd = fs.openSync(this.file, 'a', 0o600);
    fs.writeSync(this.fd, Buffer.from(this.chunks.join(''), 'latin1'));
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    // the reference opens the error log for appending after every batch
    if (this.fd < 0) this.fd = fs.openSync(this.file, 'a', 0o600);
    this.flush();
    fs.closeSync(this.fd);
  }
}

/**
 * -A: analyse a whole log file as one batch and print the reference's
 * report. Returns the engine and batch for the optional alert stage.
 */
export function runAnalysis(cfg: PsadConfig, engine: Engine, popts: ParserOptions, pstate: ParserState,
  report: ReportContext, opts: AnalysisOptions, now: () => number): { engine: Engine; batch: Batch } {
  const out = opts.out;
  const sidRe = popts.snortSidRe.source.replace(/\(\\d\+\)$/, '');
  const sidOnly = new RegExp(sidRe);
  const label = opts.file === null ? 'STDIN' : opts.file;

  // first pass: count lines and candidates on the bytes (a file is read
  // twice so that the counts can be printed before the progress lines;
  // stdin is kept in memory)
  let lines = 0;
  let cands = 0;
  const max = opts.maxPackets;
  out(`[+] Entering analysis mode.  Parsing ${label}\n`);
  const input = openLogInput(opts.file);
  const fd1 = input.fd;
  // what cannot be read twice (stdin, a FIFO) is kept in memory
  const kept: [string, boolean][] | null = input.regular ? null : [];
  try {
    if (kept) {
      forEachLine(fd1, (line, eol) => {
        lines++;
        if (max > 0 && cands >= max) return false;
        const n = candidateCount(line, cfg, sidOnly, popts.fwSearch);
        for (let k = 0; k < n; k++) kept.push([line, eol]);
        cands += n;
        return true;
      });
    } else {
      const searchAll = cfg.get('FW_SEARCH_ALL') === 'Y';
      const r = countInOutLines(fd1, searchAll ? null
        : (b, s, e) => candidateCount(b.toString('latin1', s, e), cfg, sidOnly, popts.fwSearch), max);
      lines = r.lines;
      cands = r.candidates;
    }
  } finally {
    if (opts.file !== null) fs.closeSync(fd1);
  }
  out(`[+] Found ${cands} iptables log messages out of ${lines} total lines.\n`);
  if (cands - 1 > 15000) out('    This may take a while...\n');
  if (popts.debug) popts.debug.err('[+] check_scan()...\n');

  const errLog = opts.noIptErrors ? null : new ErrorLog(cfg.get('FW_ERROR_LOG'));
  const batch = new Batch();
  const step = scaleFactor(cands - 1);
  let ctr = 0;
  const t = now();
  const handle = (line: string, eol: boolean) => {
    ctr++;
    if (ctr % step === 0) out(`[+] Processed ${ctr} packets...\n`);
    const pkt = new Packet();
    const rv = parseLine(line, eol, pkt, popts, pstate);
    if (rv === PKT_ERROR) {
      if (errLog) errLog.add(line, eol);
      return;
    }
    if (rv === PKT_IGNORE) return;
    if (opts.filter && !opts.filter.matches(pkt)) return;
    engine.processPacket(pkt, batch, t);
  };
  if (kept) {
    for (const [line, eol] of kept) handle(line, eol);
  } else {
    let seen = 0;
    const fd2 = openLogInput(opts.file).fd;
    try {
      forEachLine(fd2, (line, eol) => {
        if (max > 0 && seen >= max) return false;
        const n = candidateCount(line, cfg, sidOnly, popts.fwSearch);
        for (let k = 0; k < n; k++) {
          seen++;
          handle(line, eol);
        }
        return true;
      });
    } finally {
      fs.closeSync(fd2);
    }
  }
  if (errLog) errLog.close();

  out('[+] Assigning scan danger levels...\n');
  engine.assignDangerLevels(batch);
  let total = 0;
  for (let dl = 1; dl <= 5; dl++) {
    let n = 0;
    for (const src of batch.scan.keys()) if (engine.sources.get(src)?.dl === dl) n++;
    total += n;
    out(`    Level ${dl}: ${n} IP addresses\n`);
  }
  out(`\n    Tracking ${total} total IP addresses\n`);

  const block = renderReport(engine, pstate.prefixCounts, report);
  if (block) {
    const text = block.join('');
    out(text);
    const outFile = cfg.get('ANALYSIS_OUTPUT_FILE');
    try {
      fs.writeFileSync(outFile, Buffer.from(text, 'latin1'), { mode: 0o600 });
    } catch (e) {
      throw new PsadError(`Could not open ${outFile}: ${describeErrno(e as NodeJS.ErrnoException)}`, 2);
    }
    out(`[+] These results are available in: ${outFile}\n`);
  }
  return { engine, batch };
}
