/** psad --help: every option, one line each, grouped by mode. */
export function psadUsage(configFile: string): string {
  return `
psad: the Port Scan Attack Detector (Node.js port of psad 2.4.6)

Usage: psad [options]      (long options may be abbreviated to a unique prefix)

Analysis mode:
  -A, --Analyze-msgs            analyse an iptables log file, print the report, exit
  -m, --messages-file <file>    log file to read (default: IPT_SYSLOG_FILE)
      --stdin                   read the log from standard input
      --analysis-fields <spec>  only count packets whose fields match, e.g. "src:10.0.0.0/8 dp:>1023"
      --analyze-fields <spec>   synonym of --analysis-fields
      --packets <n>             stop after n log messages
  -i, --interface <intf>        only packets on this IN (INPUT/FORWARD) or OUT (OUTPUT) interface
      --restrict-ip <ip/net>    only packets whose source or destination is inside <ip/net>
      --no-ipt-errors           do not append unparseable lines to the error log

Data files and detection switches (every mode):
  -c, --config <file>           main config file (default: ${configFile})
  -O, --Override-config <f,..>  config files whose values win over the main file
      --signatures <file>       psad signatures file (SIGS_FILE)
      --auto-dl <file>          auto_dl file (AUTO_DL_FILE)
      --passive-os-sigs <file>  posf file (POSF_FILE)
      --snort-rdir <dir>        Snort rules directory (SNORT_RULES_DIR)
      --snort-type <type>       only import <type>.rules from the rules directories
      --no-signatures           no psad signature matching
      --no-snort-sids           no fwsnort SID matching (also disables psad signatures, as in 2.4.6)
      --no-icmp-types           no ICMP type/code table (every ICMP packet counts as invalid, as in 2.4.6)
      --no-icmp6-types          no ICMPv6 type/code table
      --no-auto-dl              ignore the auto_dl file
      --no-passive-os           no passive OS fingerprinting (also --no-passiveos)
      --no-rdns                 no reverse DNS lookups
      --no-whois                no whois lookups
      --lib-dir <dir>           accepted for compatibility (Perl module directory; unused)

Information:
  -h, --help                    this text
  -V, --Version                 print the version
`;
}
