/**
 * psad's --debug output made comparable between psad 2.4.6 and this port.
 * psad prints some of its debug lines in Perl hash order (different on every
 * run); only those parts are compared as multisets, everything else line by
 * line in order:
 * - the signature groups of a packet ("[+] match_snort_keywords()" ... "return
 *   DL"), each group's own lines, the --verbose address tests;
 * - the "[+] os:" lines of a packet (p0f fingerprints);
 * - the per-source blocks of assign_danger_level() and of scan_logr(), and a
 *   run of is_local() lines (the destinations of a source);
 * - the destination named by "Port sweep SRC -> DST port N" (psad names the
 *   first destination of its hash walk whose danger level rose);
 * - the scan styles and TCP flags of a "scan detected" syslog line, and which
 *   signatures get a syslog line when a pair matched more than
 *   SIG_MSG_SYSLOG_THRESHOLD (the first ones of psad's hash walk; only the
 *   number of these lines is compared).
 * The start-up lines before "[+] check_scan()..." (Perl modules, commands
 * psad runs, data files imported) are not compared.
 */

/** The stderr trace from "[+] check_scan()..." on, split into per-packet blocks and the end of the batch. */
export interface DebugTrace {
  packets: string[][];
  tail: string[];
}

const SIG_LINE = /^(\[\+\] match_snort_keywords\(\)|    match_snort_keywords\(\)  return DL: |\[\+\] match_sigs\(\)|\[\+\] match_sigs\(\) pkt |    Matched sig IP criteria\.|\[[-+]\] SID:? \d|\[\+\] packet matched |    "|\[\+\] assign_sid_dl\(\)|\[\+\] parse_ip_options\(\))/;

/** Splits a run's stderr into its packet blocks (each starts with the log line) and what follows them. */
export function splitTrace(stderr: string): DebugTrace {
  const lines = stderr.split('\n');
  let i = lines.indexOf('[+] check_scan()...');
  if (i < 0) return { packets: [], tail: [] };
  i++;
  const packets: string[][] = [];
  let cur: string[] | null = null;
  const tail: string[] = [];
  for (; i < lines.length; i++) {
    const l = lines[i];
    // psad prints "\n" and the line as read before each packet
    if (l === '' && i + 1 < lines.length && tail.length === 0 && /\S/.test(lines[i + 1]) && !/^\[|^ {4}/.test(lines[i + 1])) {
      cur = [lines[++i]];
      packets.push(cur);
      continue;
    }
    if (/^\[\+\] (assign_danger_level|is_local|scan_logr)/.test(l) || tail.length) {
      tail.push(l);
      continue;
    }
    if (cur) cur.push(l);
    else tail.push(l);
  }
  while (tail.length && tail[tail.length - 1] === '') tail.pop();
  return { packets, tail };
}

/** One packet's block with its hash-ordered parts sorted. */
export function normalizePacket(block: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < block.length;) {
    if (SIG_LINE.test(block[i])) {
      // the signature section: groups and loose lines as sorted units
      const units: string[] = [];
      while (i < block.length && SIG_LINE.test(block[i])) {
        if (block[i] === '[+] match_snort_keywords()') {
          const g: string[] = [];
          i++;
          while (i < block.length && !block[i].startsWith('    match_snort_keywords()  return DL: ')) g.push(block[i++]);
          units.push(`GROUP ${block[i] ?? ''} {${g.sort().join(' | ')}}`);
          i++;
        } else units.push(block[i++]);
      }
      out.push(...units.sort());
      continue;
    }
    if (block[i] === '$VAR1 = {') {
      // a Data::Dumper hash (psad: hash order; the port: sorted keys): its lines without the commas, sorted
      const d: string[] = [];
      // (a signature match's time is the wall clock, so is a scan's start when the line has no date psad reads)
      const now = Date.now() / 1000;
      while (i < block.length && block[i] !== '        };') {
        d.push(block[i++].replace(/,$/, '').replace(/^( +'(s_)?time' => )(\d+)$/, (x, k: string, _s, t: string) => (Math.abs(Number(t) - now) < 3600 ? `${k}<now>` : x)));
      }
      out.push(...d.sort(), block[i++] ?? '');
      continue;
    }
    if (block[i].startsWith('[+] os: ')) {
      const os: string[] = [];
      while (i < block.length && block[i].startsWith('[+] os: ')) os.push(block[i++]);
      out.push(...os.sort());
      continue;
    }
    out.push(block[i++]);
  }
  return out;
}

/**
 * psad's "scan detected (STYLE): ... flags: FLAGS ..." syslog line lists the
 * scan styles and the TCP flags of an alert in hash order: sorted here. The
 * "Nmap " goes before whichever style comes first ("Nmap -sT or -sS scan,
 * scan" or "Nmap  scan, -sT or -sS scan" for SYN and SYN FIN packets), so it
 * is left out of the comparison.
 */
function scanDetected(l: string): string {
  const m = /^(\[\+\] syslog msg: scan detected )\((.*?)\)(: .*)$/.exec(l);
  let t = m ? `${m[1]}(${m[2].split(', ').map((x) => x.replace(/^Nmap /, '')).sort().join(', ')})${m[3]}` : l;
  t = t.replace(/ flags: ([A-Z ]+?)( (?:tcp|udp|icmp|other proto) pkts:| DL:)/, (_x, f: string, rest: string) => ` flags: ${f.split(' ').sort().join(' ')}${rest}`);
  // the first SIG_MSG_SYSLOG_THRESHOLD signatures of a pair's hash walk are logged: only their number is compared
  return t.replace(/^(\[\+\] syslog msg: src: \S+ signature match: ).*$/, '$1<signature>');
}

/** The end of the batch: per-source blocks and is_local() runs sorted. */
export function normalizeTail(tail: string[]): string[] {
  const out: string[] = [];
  tail = tail.map(scanDetected);
  for (let i = 0; i < tail.length;) {
    const l = tail[i];
    if (l.startsWith('[+] assign_danger_level(): source IP: ')) {
      const blocks: string[] = [];
      while (i < tail.length && tail[i].startsWith('[+] assign_danger_level(): source IP: ')) {
        const b = [tail[i++]];
        while (i < tail.length && !b[b.length - 1].startsWith('[+] assign_danger_level(): DL (after')) b.push(tail[i++]);
        blocks.push(b.join(' | '));
      }
      out.push(...blocks.sort());
      continue;
    }
    if (l.startsWith('[+] is_local(): ')) {
      const run: string[] = [];
      while (i < tail.length && tail[i].startsWith('[+] is_local(): ')) run.push(tail[i++]);
      out.push(...run.sort());
      continue;
    }
    if (l.startsWith('[+] scan_logr(): source IP: ')) {
      const blocks: string[] = [];
      while (i < tail.length && tail[i].startsWith('[+] scan_logr(): source IP: ')) {
        const b = [tail[i++]];
        while (i < tail.length && !tail[i].startsWith('[+] scan_logr(): source IP: ')) b.push(tail[i++]);
        blocks.push(b.sort().join(' | '));
      }
      out.push(...blocks.sort());
      continue;
    }
    out.push(tail[i++]);
  }
  return out;
}

/** The debug lines psad prints on stdout, in order ("Port sweep" destinations replaced by "<dst>"). */
export function stdoutDebugLines(stdout: string): string[] {
  const out: string[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('[+] timestamp: ')) {
      // a line without a syslog timestamp gets the current time
      const host = lines[i + 1] ?? '';
      out.push(host === '    syslog hostname: unknown' ? '[+] timestamp: <now>' : l);
    } else if (l.startsWith('    syslog hostname: ') || l.startsWith('[+] add_fwsnort_sid(): ') || l.startsWith('[-] Found sid: ')) {
      out.push(l);
    } else if (l.startsWith('    Port sweep ')) {
      out.push(l.replace(/ -> \S+ port /, ' -> <dst> port '));
    }
  }
  return out;
}

/** "Port sweep SRC -> DST port N" as [src, dst, port]. */
export function portSweeps(stdout: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const m of stdout.matchAll(/^ {4}Port sweep (\S+) -> (\S+) port (\d+)$/gm)) out.push([m[1], m[2], m[3]]);
  return out;
}

/** Stdout without the debug lines: the report as without --debug. */
export function withoutDebugLines(stdout: string): string {
  return stdout.split('\n').filter((l) => !/^(\[\+\] timestamp: |    syslog hostname: |    Port sweep |\[\+\] add_fwsnort_sid\(\): |\[-\] Found sid: )/.test(l)).join('\n');
}

/** The warnings perl -w prints for psad (odd hex digits, undefined values from damaged lines): not debug lines. */
export function withoutPerlWarnings(stderr: string): string {
  return stderr.replace(/^.* at \/usr\/sbin\/psad line \d+(?:, <\w+> (?:line|chunk) \d+)?\.\n/gm, '');
}

/** psad's --verbose Dumper of each packet's hash (not printed by the port) removed from its stderr. */
export function withoutPacketDumps(stderr: string): string {
  return stderr.replace(/^\$VAR1 = \{\n[\s\S]*?^ {8}\};\n/gm, (d) => (/^ {10}'syslog_host' => /m.test(d) ? '' : d));
}

/** Differences between two runs' debug traces, as readable lines (empty when they agree). */
export function compareDebug(ours: { stdout: string; stderr: string }, ref: { stdout: string; stderr: string }): string[] {
  const diffs: string[] = [];
  const a = splitTrace(ours.stderr);
  const b = splitTrace(withoutPerlWarnings(ref.stderr));
  if (a.packets.length !== b.packets.length) diffs.push(`packets traced: ${a.packets.length} vs psad's ${b.packets.length}`);
  for (let k = 0; k < Math.min(a.packets.length, b.packets.length) && diffs.length < 20; k++) {
    const x = normalizePacket(a.packets[k]);
    const y = normalizePacket(b.packets[k]);
    if (x.join('\n') !== y.join('\n')) diffs.push(`packet ${k + 1} (${b.packets[k][0]}):\n  ours: ${x.join('\n        ')}\n  psad: ${y.join('\n        ')}`);
  }
  const ta = normalizeTail(a.tail);
  const tb = normalizeTail(b.tail);
  if (ta.join('\n') !== tb.join('\n')) {
    diffs.push(`after the packets:\n  only ours: ${ta.filter((l) => !tb.includes(l)).join('\n             ')}`
      + `\n  only psad: ${tb.filter((l) => !ta.includes(l)).join('\n             ')}`);
  }
  const sa = stdoutDebugLines(ours.stdout);
  const sb = stdoutDebugLines(ref.stdout);
  if (sa.join('\n') !== sb.join('\n')) diffs.push(`stdout debug lines:\n  ours: ${sa.join('\n        ')}\n  psad: ${sb.join('\n        ')}`);
  return diffs;
}
