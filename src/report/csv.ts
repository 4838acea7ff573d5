import * as fs from 'fs';
import { PsadError } from '../config/errors';
import { openLogInput } from '../ingest/log-input';
import { Addr, ipv4Text, ipv6AddrText } from '../net/addr';
import { Packet, packetField } from '../ingest/packet';
import { parseLine, PKT_SUCCESS, ParserOptions, ParserState } from '../ingest/parse';
import { forEachLine } from '../ingest/line-reader';
import { criterionHolds, parseFieldSpec, ParsedFields } from '../ingest/field-filter';

/** The fields --CSV prints without --CSV-fields. */
export const DEFAULT_CSV_FIELDS = ['timestamp', 'src', 'dst', 'sp', 'dp', 'proto', 'flags', 'ip_len', 'intf', 'chain',
  'log_prefix'];

/** What --CSV and --gnuplot read and which log lines they keep (csv_mode's first half). */
export interface SelectOptions {
  /** -m file, or null for --CSV-stdin */
  file: string | null;
  /** --CSV-fields ('' for the default list) */
  fieldsText: string;
  /** --CSV-regex / --CSV-neg-regex ('' when not given) */
  regex: string;
  negRegex: string;
  /** --CSV-max-lines (rows; <= 0 unlimited) */
  maxRows: number;
  /** --CSV-start-line / --CSV-end-line (0 = not given; the end line itself is not read) */
  startLine: number;
  endLine: number;
}

/** The parsed --CSV-fields list (the reference's csv_tokens). */
export function csvFields(fieldsText: string): ParsedFields {
  // Perl truth: an empty string and "0" both mean "not given"
  if (fieldsText === '' || fieldsText === '0') {
    return {
      fields: DEFAULT_CSV_FIELDS.map((field) => ({ field, criterion: { kind: 'none' } })),
      countType: '', countElement: -1, timeCount: false,
    };
  }
  const spec = parseFieldSpec(fieldsText, false);
  if (!spec.fields.length) throw new PsadError(`The --CSV-fields argument "${fieldsText}" names no field.`);
  return spec;
}

/** A user regex (--CSV-regex, --CSV-neg-regex), refused clearly when it does not compile. */
export function userRegex(option: string, text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (e) {
    throw new PsadError(`The ${option} argument "${text}" is not a valid regular expression: ${(e as Error).message}`);
  }
}

function objText(a: Addr | null): string {
  if (!a) return '';
  return a.v6 ? `${ipv6AddrText(a)}/128` : `${ipv4Text(a.w3)}/32`;
}

/**
 * A packet field as --CSV prints it: numbers in decimal (-1 when not
 * logged), s_obj/d_obj as the reference's address objects print
 * (`192.168.10.55/32`, `2001:DB8:0:F101:0:0:0:2/128`).
 */
export function fieldText(pkt: Packet, field: string): string {
  if (field === 's_obj') return objText(pkt.sAddr);
  if (field === 'd_obj') return objText(pkt.dAddr);
  const v = packetField(pkt, field);
  return typeof v === 'number' ? String(v) : v;
}

/**
 * The values of the listed fields when every criterion holds, else null
 * (ipt_match_criteria, field-filter.ts's criterionHolds).
 */
export function matchRow(spec: ParsedFields, pkt: Packet): string[] | null {
  const row: string[] = new Array(spec.fields.length);
  for (let i = 0; i < spec.fields.length; i++) {
    const f = spec.fields[i];
    const v = fieldText(pkt, f.field);
    if (!criterionHolds(f.criterion, f.field, v, pkt)) return null;
    row[i] = v;
  }
  return row;
}

/** Checks the options that can be refused before any input is read. */
export function checkSelectOptions(o: SelectOptions): { re: RegExp | null; negRe: RegExp | null } {
  const re = o.regex ? userRegex('--CSV-regex', o.regex) : null;
  const negRe = o.negRegex ? userRegex('--CSV-neg-regex', o.negRegex) : null;
  // psad 2.4.6 also refuses a start line without an end line (it compares with 0)
  if (o.startLine && o.endLine && o.startLine > o.endLine) throw new PsadError('Cannot have start line > end line.');
  return { re, negRe };
}

/**
 * Reads the log line by line and calls `row` with the selected field values
 * of every line that is an iptables message, parses, is not ignored,
 * matches --CSV-regex and not --CSV-neg-regex, and meets the field criteria.
 * Stops after --CSV-max-lines rows, and before --CSV-end-line. Returns the
 * number of lines read.
 */
export function selectRows(spec: ParsedFields, o: SelectOptions, popts: ParserOptions, pstate: ParserState,
  row: (values: string[]) => void): number {
  const { re, negRe } = checkSelectOptions(o);
  const fd = openLogInput(o.file).fd;
  let lineCtr = 0;
  let rows = 0;
  try {
    forEachLine(fd, (line, eol) => {
      lineCtr++;
      if (o.startLine && lineCtr < o.startLine) return true;
      if (o.endLine && lineCtr === o.endLine) return false;
      const i = line.indexOf('IN');
      if (i < 0 || line.indexOf('OUT', i + 2) < 0) return true;
      const pkt = new Packet();
      // FW_SEARCH_ALL=N is applied by the parser (SID in the prefix or a
      // FW_MSG_SEARCH match); psad 2.4.6 prints an all-default row for a
      // line that matches neither
      if (parseLine(line, eol, pkt, popts, pstate) !== PKT_SUCCESS) return true;
      if (re && !re.test(line)) return true;
      if (negRe && negRe.test(line)) return true;
      pkt.logPrefix = pkt.logPrefix.replace(/\W/g, '');
      const values = matchRow(spec, pkt);
      if (!values) return true;
      rows++;
      row(values);
      return !(o.maxRows > 0 && rows >= o.maxRows);
    });
  } finally {
    if (o.file !== null) fs.closeSync(fd);
  }
  return lineCtr;
}

/**
 * A buffered writer on a file descriptor (latin1, so that log bytes pass
 * through unchanged). A full pipe (EAGAIN) is waited for.
 */
export class FdWriter {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly fd: number, private readonly limit = 1 << 16) {}

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (!this.chunks.length) return;
    const buf = Buffer.from(this.chunks.join(''), 'latin1');
    this.chunks = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) {
      try {
        off += fs.writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
  }
}

export interface CsvOptions extends SelectOptions {
  /** --CSV-unique-lines */
  unique: boolean;
  /** --plot-separator */
  separator: string;
}

/**
 * --CSV: one line per selected log message, the field values joined by the
 * separator; with --CSV-unique-lines each distinct line once, at the end,
 * in the order first seen.
 */
export function runCsv(o: CsvOptions, popts: ParserOptions, pstate: ParserState, out: FdWriter): number {
  const spec = csvFields(o.fieldsText);
  const uniq = o.unique ? new Set<string>() : null;
  try {
    selectRows(spec, o, popts, pstate, (values) => {
      const line = values.join(o.separator);
      if (uniq) uniq.add(line);
      else out.write(`${line}\n`);
    });
    if (uniq) for (const line of uniq) out.write(`${line}\n`);
  } finally {
    out.flush();
  }
  return 0;
}
