import * as fs from 'fs';
import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { describeErrno } from '../config/conf-file';
import { warnToStderr } from '../data/diagnostics';
import { Engine } from '../engine/engine';
import { Batch } from '../engine/state';
import { Packet } from '../ingest/packet';
import { parseLine, newParserState, PKT_ERROR, PKT_IGNORE } from '../ingest/parse';
import { forEachLine } from '../ingest/line-reader';
import { ctime } from '../text/ctime';
import { loadDataTables, parserOptions, engineOptions, engineData, localNetworks, RuntimeFlags } from '../pipeline/runtime';

export interface BenchmarkOptions {
  /** --packets (0 = not given) */
  packets: number;
  /** -m file ('' = synthetic packets) */
  file: string;
  noIptErrors: boolean;
}

const TEST_PKT = 'Feb 15 16:42:58 orthanc kernel: DROP IN=eth0 OUT= MAC=00:a0:cc:28:42:5a:00:03:6c:00:98:54:08:00 '
  + 'SRC=192.168.10.2 DST=192.168.10.1 LEN=48 TOS=0x00 PREC=0x00 TTL=110 ID=13383 DF PROTO=TCP SPT=1389 ';
const TEST_PKT_END = 'WINDOW=16384 RES=0x00 SYN URGP=0';

/** The synthetic log lines of psad's benchmark: n+1 SYN packets to ports 1000, 1001, ... (at most 50000). */
export function syntheticPackets(n: number): string[] {
  const out: string[] = [];
  let dp = 1000;
  for (let i = 0; i <= n; i++) {
    out.push(`${TEST_PKT} DPT=${dp} ${TEST_PKT_END}`);
    if (dp < 50000) dp++;
  }
  return out;
}

function readLines(file: string, max: number): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new PsadError(`Could not open ${file}: ${describeErrno(e as NodeJS.ErrnoException)}`, 2);
  }
  const lines: string[] = [];
  try {
    forEachLine(fd, (line) => {
      lines.push(line);
      return !(max > 0 && lines.length >= max);
    });
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

/**
 * -B/--Benchmark: builds a packet array (synthetic, or lines of -m FILE),
 * then runs it through the parser and the detection engine as one batch, as
 * the daemon would (no files, mails or syslog), and prints the timing lines
 * of psad 2.4.6 (whole seconds, as it does).
 */
export function benchmark(cfg: PsadConfig, flags: RuntimeFlags, o: BenchmarkOptions, out: (text: string) => void): number {
  const say = (msg: string) => out(`${ctime(new Date())} [+] ${msg}\n`);
  let n = o.packets;
  say('Entering benchmark mode.');
  if (n) {
    say(`Executing a ${n} packet test.`);
  } else {
    say('The --packets command line option was not specified.');
    if (o.file) {
      say(`Defaulting to read the entire ${o.file} file.`);
    } else {
      say('Defaulting to a 10,000 packet test.');
      n = 10000;
    }
  }
  const tables = loadDataTables(cfg, flags, warnToStderr);
  const popts = parserOptions(cfg, flags, tables, warnToStderr);
  const engine = new Engine(engineOptions(cfg, flags, localNetworks(cfg, false, () => undefined)), engineData(tables));
  let lines: string[];
  if (o.file) {
    say(n ? `Creating ${n} packet array from ${o.file}` : `Creating packet array from complete ${o.file}`);
    lines = readLines(o.file, n);
  } else {
    say('Creating packet array.');
    lines = syntheticPackets(n);
  }

  const start = Math.floor(Date.now() / 1000);
  say('check_scan()');
  const pstate = newParserState();
  const batch = new Batch();
  let errs = 0;
  const now = Math.floor(Date.now() / 1000);
  for (const line of lines) {
    const pkt = new Packet();
    // the lines are chomped, as the reference's array holds them
    const rv = parseLine(line, false, pkt, popts, pstate);
    if (rv === PKT_ERROR) {
      if (!o.noIptErrors) errs++;
      continue;
    }
    if (rv === PKT_IGNORE) continue;
    engine.processPacket(pkt, batch, now);
  }
  say(`Err packets: ${errs}.`);
  engine.assignDangerLevels(batch);
  say(`Packet creation and processing time: ${Math.floor(Date.now() / 1000) - start} sec.`);
  say('Exiting benchmark mode.');
  return 0;
}
