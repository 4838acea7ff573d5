import { OptSpec, OptType } from './getopt';
import { OptionDecl, OptionGroup, optSpecs } from './option-decl';

const f = (long: string, help: string, more: Partial<OptionDecl> = {}): OptionDecl => ({ key: long, type: 'flag', long, help, ...more });
const s = (long: string, arg: string, help: string, more: Partial<OptionDecl> = {}): OptionDecl => ({ key: long, type: 'string', long, arg, help, ...more });
const i = (long: string, arg: string, help: string, more: Partial<OptionDecl> = {}): OptionDecl => ({ key: long, type: 'int', long, arg, help, ...more });

/**
 * Every option of psad 2.4.6 (and the fixed spellings), and the options of
 * the psad 2.1.7 man page that 2.4.6 dropped, with their 2.1.7 meaning;
 * grouped as -h and psad(8) show them.
 */
export const PSAD_OPTION_GROUPS: OptionGroup[] = [
  {
    title: 'Daemon (no mode option: psad runs as a daemon and starts kmsgsd and psadwatchd):',
    options: [
      f('no-daemon', 'stay in the foreground; alerts go to stdout, no mail'),
      f('debug', "psad 2.4.6's debug lines (stderr, some on stdout); the daemon\nstays in the foreground (also -d, psad 2.1.7)", { aliases: ['d'] }),
      i('debug-sid', 'sid', 'with --debug: why the signature <sid> does not match a packet'),
      f('verbose', 'more --debug output (signature tests, firewall commands);\nwith -S: the chains holding each blocked address', { short: 'v' }),
      i('Interval', 'seconds', "check interval (CHECK_INTERVAL; 0 keeps the config's)", { short: 'I' }),
      f('log-server', 'psad runs on a syslog server: no firewall check, no\nauto-blocking (also -l, psad 2.1.7)', { aliases: ['l'] }),
      f('no-kmsgsd', 'do not start kmsgsd (only with --debug)'),
      f('no-fwcheck', 'skip the firewall logging check at start-up'),
      f('no-netstat', 'do not look up listening ports for the alerts'),
      f('no-ipt-errors', 'do not keep unparseable lines in the error log'),
      f('test-mode', 'test mode: --debug, config dump on stderr, no syslog, no mail', { short: 't' }),
    ],
  },
  {
    title: 'Status and process control:',
    options: [
      f('Status', 'daemon status and the report of what psad has seen', { short: 'S' }),
      s('status-ip', 'ip', 'with -S: only this address in the auto-blocking section'),
      i('status-dl', '1-5', 'with -S: only sources at or above this danger level'),
      f('status-summary', 'with -S: the summary, without the per-source detail'),
      f('Kill', 'stop psad, kmsgsd and psadwatchd', { short: 'K' }),
      f('Restart', 'restart the daemons with their original arguments', { short: 'R' }),
      f('HUP', 'make the daemons re-read their configuration', { short: 'H' }),
      f('USR1', 'make psad write its scan table to PSAD_DIR/scan_hash.<pid>', { short: 'U' }),
    ],
  },
  {
    title: 'Analysis mode:',
    options: [
      f('Analyze-msgs', 'analyse an iptables log file, print the report, exit', { short: 'A' }),
      s('messages-file', 'file', 'log file to read in -A, --CSV, --gnuplot, -B (default: IPT_SYSLOG_FILE)', { short: 'm' }),
      f('stdin', 'read the log from standard input'),
      s('analysis-fields', 'spec', 'only count packets whose fields match,\ne.g. "src:10.0.0.0/8 dp:>1023"', { aliases: ['analyze-fields'] }),
      f('analysis-write-data', 'also write the per-source directories', { aliases: ['analyze-write-data'] }),
      f('analysis-auto-block', 'block what -A finds (ENABLE_AUTO_IDS), wait AUTO_BLOCK_TIMEOUT + 1 s, expire'),
      f('email-analysis', 'also mail the alerts (as the daemon would, subject "(analysis mode)")', { short: 'e' }),
      f('whois-analysis', 'whois lookups for the alerts (off in -A by default)', { short: 'w' }),
      f('dns-analysis', 'reverse DNS lookups for the alerts (off in -A by default)'),
      i('packets', 'n', 'stop after <n> log messages (-B: number of packets; also -p, psad 2.1.7)', { aliases: ['p'] }),
      s('interface', 'intf', 'only packets on this IN (INPUT/FORWARD) or OUT (OUTPUT) interface', { short: 'i' }),
      s('restrict-ip', 'ip/net', 'only packets whose source or destination is inside <ip/net>', { short: 'r' }),
    ],
  },
  {
    title: 'Firewall and auto-blocking:',
    options: [
      f('fw-analyze', 'check that the ruleset logs what psad needs (exit 0 = it does)'),
      s('fw-file', 'file', 'check a saved ruleset (iptables -n -L, iptables-save, iptables -S,\nor nft -j list ruleset)'),
      f('fw-dump', 'print the ruleset with addresses masked (with -D: after the config)'),
      f('fw-include-ips', 'with --fw-dump: keep the addresses'),
      f('fw-list-auto', "list psad's blocking chains", { short: 'L', aliases: ['List'] }),
      s('fw-block-ip', 'ip/net', 'block an address or network (through the running psad)'),
      s('fw-rm-block-ip', 'ip/net', 'remove a block'),
      f('Flush', 'remove every auto-block (through the running psad)', { short: 'F' }),
      f('fw-del-chains', "with -F: also delete psad's chains and jump rules", { short: 'X', aliases: ['X'] }),
    ],
  },
  {
    title: 'CSV and gnuplot output (-m FILE or IPT_SYSLOG_FILE; -i and --restrict-ip apply):',
    options: [
      f('CSV', 'print the fields of each iptables message as comma-separated values'),
      s('CSV-fields', 'spec', 'fields and criteria, e.g. "src dst:10.0.0.0/8 dp:>1023 flags:/SYN/"'),
      s('CSV-regex', 're', 'only log lines matching <re>'),
      s('CSV-neg-regex', 're', 'only log lines not matching <re>'),
      f('CSV-unique-lines', 'print each distinct line once, at the end', { aliases: ['CSV-uniq-lines'] }),
      i('CSV-max-lines', 'n', 'stop after <n> lines of output'),
      i('CSV-start-line', 'n', 'start at line <n> of the log'),
      i('CSV-end-line', 'n', 'stop before line <n> of the log'),
      f('CSV-stdin', 'read the log from standard input'),
      s('plot-separator', 'str', 'field separator (default ", ")'),
      f('gnuplot', 'write a gnuplot .dat and .gnu file of the --CSV-fields (2 or 3 fields;\na count keyword counts: "timestamp dp:counthour", "dst dp:countuniq")'),
      s('gnuplot-file-prefix', 'p', 'write <p>.dat, <p>.gnu and <p>.png (default psad_iptables.*)'),
      s('gnuplot-dat-file', 'file', 'the .dat file'),
      s('gnuplot-plot-file', 'f', 'the .gnu file'),
      s('gnuplot-png-file', 'file', 'the .png file'),
      s('gnuplot-template', 'file', 'use <file> as the .gnu file'),
      f('gnuplot-interactive', 'no png terminal: gnuplot opens a window'),
      s('gnuplot-title', 't', 'graph title'),
      s('gnuplot-legend-title', 't', "legend title (also --gnuplot-legend-titls, psad 2.4.6's spelling)", { aliases: ['gnuplot-legend-titls'] }),
      s('gnuplot-x-label', 't', 'x axis label', { aliases: ['gnuplot-xlabel'] }),
      s('gnuplot-x-range', 'a:b', 'x axis range', { aliases: ['gnuplot-xrange'] }),
      s('gnuplot-y-label', 't', 'y axis label', { aliases: ['gnuplot-ylabel'] }),
      s('gnuplot-y-range', 'a:b', 'y axis range', { aliases: ['gnuplot-yrange'] }),
      s('gnuplot-z-label', 't', 'z axis label, 3D', { aliases: ['gnuplot-zlabel'] }),
      s('gnuplot-z-range', 'a:b', 'z axis range, 3D', { aliases: ['gnuplot-zrange'] }),
      f('gnuplot-3D', 'three-dimensional graph', { key: 'gnuplot-3d', aliases: ['gnuplot-3d'] }),
      s('gnuplot-view', 'a,b', 'viewing angle (3D)'),
      s('gnuplot-graph-style', 's', 'points, lines, linespoints, dots, ...'),
      s('gnuplot-sort-style', 's', 'time or value (default value)'),
      f('gnuplot-grayscale', 'grayscale colours'),
      s('use-store-file', 'file', 'keep the parsed gnuplot records in <file> and reuse them'),
    ],
  },
  {
    title: 'Other modes:',
    options: [
      f('Benchmark', 'run the detection engine on --packets <n> (default 10000) synthetic\npackets, or on the lines of -m FILE, and print the time taken', { short: 'B' }),
      f('sig-update', 'download SIG_UPDATE_URL (http(s):// or file://), check it, replace\nSIGS_FILE (the old one is archived) and send a running psad a HUP'),
      f('get-next-rule-id', 'print the next free signature id and exit'),
      f('Dump-conf', 'print the configuration with addresses masked and exit', { short: 'D' }),
    ],
  },
  {
    title: 'Configuration, data files and detection switches (every mode):',
    options: [
      s('config', 'file', 'main config file (default: {config})', { short: 'c' }),
      s('Override-config', 'f,..', 'config files whose values win over the main file', { short: 'O' }),
      s('signatures', 'file', 'psad signatures file (SIGS_FILE; also -s, psad 2.1.7)', { aliases: ['s'] }),
      s('auto-dl', 'file', 'auto_dl file (AUTO_DL_FILE; also -a, psad 2.1.7)', { aliases: ['a'] }),
      s('passive-os-sigs', 'file', 'posf file (POSF_FILE)'),
      s('snort-rdir', 'dir', 'Snort rules directory (SNORT_RULES_DIR)'),
      s('snort-type', 'type', 'only import <type>.rules from the rules directories'),
      s('fw-search', 'file', 'psad 2.1.7: take FW_SEARCH_ALL and FW_MSG_SEARCH from <file>'),
      s('lib-dir', 'dir', 'PSAD_LIBS_DIR (shown by -D; this port loads no Perl modules)'),
      f('no-signatures', 'no psad signature matching'),
      f('no-snort-sids', 'no fwsnort SID matching (also disables psad signatures, as in 2.4.6)'),
      f('no-icmp-types', 'no ICMP type/code table (every ICMP packet counts as invalid, as in 2.4.6)'),
      f('no-icmp6-types', 'no ICMPv6 type/code table'),
      f('no-auto-dl', 'ignore the auto_dl file'),
      f('no-passive-os', 'no passive OS fingerprinting', { aliases: ['no-passiveos'] }),
      f('no-rdns', 'no reverse DNS lookups'),
      f('no-whois', 'no whois lookups'),
    ],
  },
  {
    title: 'Information:',
    options: [
      f('help', 'this text', { short: 'h' }),
      f('Version', 'print the version', { short: 'V' }),
    ],
  },
];

/** Every option with all the names the parser accepts (for the option table test). */
export const PSAD_OPTS: { names: string[]; type: OptType; key: string }[] = PSAD_OPTION_GROUPS.flatMap((g) =>
  g.options.map((o) => ({ names: [o.long, ...(o.aliases ?? [])], type: o.type, key: o.key })));

/**
 * Options whose mode this build does not provide yet. They are refused with
 * a clear message instead of being accepted and ignored.
 */
export const NOT_YET: ReadonlySet<string> = new Set<string>([]);

export function psadOptSpecs(): OptSpec[] {
  return optSpecs(PSAD_OPTION_GROUPS);
}
