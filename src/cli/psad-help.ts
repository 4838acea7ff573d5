/**
 * psad --help: every option of psad 2.4.6 (and of the psad 2.1.7 man page),
 * one line each (a few continue on a second line), grouped by mode.
 */
export function psadUsage(configFile: string): string {
  return `
psad: the Port Scan Attack Detector (Node.js port of psad 2.4.6)

Usage: psad [options]      long options may be abbreviated to a unique prefix
                           (--Anal, --Stat) and given with one dash (-Analyze-msgs)

Daemon (no mode option: psad runs as a daemon and starts kmsgsd and psadwatchd):
      --no-daemon               stay in the foreground; alerts go to stdout, no mail
      --debug                   foreground with debug output on stderr (also -d, psad 2.1.7)
      --debug-sid <sid>         with --debug: why the signature <sid> does not match a packet
  -v, --verbose                 more --debug output (signature tests, firewall commands);
                                with -S: the chains holding each blocked address
  -I, --Interval <seconds>      check interval (CHECK_INTERVAL; 0 keeps the config's)
      --log-server              psad runs on a syslog server: no firewall check, no
                                auto-blocking (also -l, psad 2.1.7)
      --no-kmsgsd               do not start kmsgsd (only with --debug)
      --no-fwcheck              skip the firewall logging check at start-up
      --no-netstat              do not look up listening ports for the alerts
      --no-ipt-errors           do not keep unparseable lines in the error log
  -t, --test-mode               test mode: debug output, no syslog, no mail

Status and process control:
  -S, --Status                  daemon status and the report of what psad has seen
      --status-ip <ip>          with -S: only this address in the auto-blocking section
      --status-dl <1-5>         with -S: only sources at or above this danger level
      --status-summary          with -S: the summary, without the per-source detail
  -K, --Kill                    stop psad, kmsgsd and psadwatchd
  -R, --Restart                 restart the daemons with their original arguments
  -H, --HUP                     make the daemons re-read their configuration
  -U, --USR1                    make psad write its scan table to PSAD_DIR/scan_hash.<pid>

Analysis mode:
  -A, --Analyze-msgs            analyse an iptables log file, print the report, exit
  -m, --messages-file <file>    log file to read in -A, --CSV, --gnuplot, -B (default: IPT_SYSLOG_FILE)
      --stdin                   read the log from standard input
      --analysis-fields <spec>  only count packets whose fields match, e.g. "src:10.0.0.0/8 dp:>1023"
      --analyze-fields <spec>   synonym of --analysis-fields
      --analysis-write-data     also write the per-source directories (also --analyze-write-data)
      --analysis-auto-block     block what -A finds (ENABLE_AUTO_IDS), wait AUTO_BLOCK_TIMEOUT + 1 s, expire
  -e, --email-analysis          also mail the alerts (as the daemon would, subject "(analysis mode)")
  -w, --whois-analysis          whois lookups for the alerts (off in -A by default)
      --dns-analysis            reverse DNS lookups for the alerts (off in -A by default)
      --packets <n>             stop after <n> log messages (-B: number of packets; also -p, psad 2.1.7)
  -i, --interface <intf>        only packets on this IN (INPUT/FORWARD) or OUT (OUTPUT) interface
  -r, --restrict-ip <ip/net>    only packets whose source or destination is inside <ip/net>

Firewall and auto-blocking:
      --fw-analyze              check that the ruleset logs what psad needs (exit 0 = it does)
      --fw-file <file>          check a saved ruleset (iptables -n -L, or nft -j list ruleset)
      --fw-dump                 print the ruleset with addresses masked (with -D: after the config)
      --fw-include-ips          with --fw-dump: keep the addresses
  -L, --fw-list-auto            list psad's blocking chains (also --List)
      --fw-block-ip <ip/net>    block an address or network (through the running psad)
      --fw-rm-block-ip <ip/net> remove a block
  -F, --Flush                   remove every auto-block (through the running psad)
  -X, --fw-del-chains           with -F: also delete psad's chains and jump rules

CSV and gnuplot output (-m FILE or IPT_SYSLOG_FILE; -i and --restrict-ip apply):
      --CSV                     print the fields of each iptables message as comma-separated values
      --CSV-fields <spec>       fields and criteria, e.g. "src dst:10.0.0.0/8 dp:>1023 flags:/SYN/"
      --CSV-regex <re>          only log lines matching <re>
      --CSV-neg-regex <re>      only log lines not matching <re>
      --CSV-unique-lines        print each distinct line once, at the end (also --CSV-uniq-lines)
      --CSV-max-lines <n>       stop after <n> lines of output
      --CSV-start-line <n>      start at line <n> of the log
      --CSV-end-line <n>        stop before line <n> of the log
      --CSV-stdin               read the log from standard input
      --plot-separator <str>    field separator (default ", ")
      --gnuplot                 write a gnuplot .dat and .gnu file of the --CSV-fields (2 or 3 fields;
                                a count keyword counts: "timestamp dp:counthour", "dst dp:countuniq")
      --gnuplot-file-prefix <p> write <p>.dat, <p>.gnu and <p>.png (default psad_iptables.*)
      --gnuplot-dat-file <file> the .dat file
      --gnuplot-plot-file <f>   the .gnu file
      --gnuplot-png-file <file> the .png file
      --gnuplot-template <file> use <file> as the .gnu file
      --gnuplot-interactive     no png terminal: gnuplot opens a window
      --gnuplot-title <t>       graph title
      --gnuplot-legend-title <t> legend title (also --gnuplot-legend-titls, psad 2.4.6's spelling)
      --gnuplot-x-label <t>     x axis label (also --gnuplot-xlabel)
      --gnuplot-x-range <a:b>   x axis range (also --gnuplot-xrange)
      --gnuplot-y-label <t>     y axis label (also --gnuplot-ylabel)
      --gnuplot-y-range <a:b>   y axis range (also --gnuplot-yrange)
      --gnuplot-z-label <t>     z axis label, 3D (also --gnuplot-zlabel)
      --gnuplot-z-range <a:b>   z axis range, 3D (also --gnuplot-zrange)
      --gnuplot-3D              three-dimensional graph (also --gnuplot-3d)
      --gnuplot-view <a,b>      viewing angle (3D)
      --gnuplot-graph-style <s> points, lines, linespoints, dots, ...
      --gnuplot-sort-style <s>  time or value (default value)
      --gnuplot-grayscale       grayscale colours
      --use-store-file <file>   keep the parsed gnuplot records in <file> and reuse them

Other modes:
  -B, --Benchmark               run the detection engine on --packets <n> (default 10000) synthetic
                                packets, or on the lines of -m FILE, and print the time taken
      --sig-update              download SIG_UPDATE_URL (http(s):// or file://), check it, replace
                                SIGS_FILE (the old one is archived) and send a running psad a HUP
      --get-next-rule-id        print the next free signature id and exit
  -D, --Dump-conf               print the configuration with addresses masked and exit

Configuration, data files and detection switches (every mode):
  -c, --config <file>           main config file (default: ${configFile})
  -O, --Override-config <f,..>  config files whose values win over the main file
      --signatures <file>       psad signatures file (SIGS_FILE; also -s, psad 2.1.7)
      --auto-dl <file>          auto_dl file (AUTO_DL_FILE; also -a, psad 2.1.7)
      --passive-os-sigs <file>  posf file (POSF_FILE)
      --snort-rdir <dir>        Snort rules directory (SNORT_RULES_DIR)
      --snort-type <type>       only import <type>.rules from the rules directories
      --fw-search <file>        psad 2.1.7: take FW_SEARCH_ALL and FW_MSG_SEARCH from <file>
      --lib-dir <dir>           PSAD_LIBS_DIR (shown by -D; this port loads no Perl modules)
      --no-signatures           no psad signature matching
      --no-snort-sids           no fwsnort SID matching (also disables psad signatures, as in 2.4.6)
      --no-icmp-types           no ICMP type/code table (every ICMP packet counts as invalid, as in 2.4.6)
      --no-icmp6-types          no ICMPv6 type/code table
      --no-auto-dl              ignore the auto_dl file
      --no-passive-os           no passive OS fingerprinting (also --no-passiveos)
      --no-rdns                 no reverse DNS lookups
      --no-whois                no whois lookups

Information:
  -h, --help                    this text
  -V, --Version                 print the version
`;
}
