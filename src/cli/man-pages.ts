import { ManPage, renderManPage } from './man-page';
import { manOptions } from '../config/option-decl';
import { PSAD_OPTION_GROUPS } from '../config/psad-options';
import { DAEMON_OPTION_GROUPS } from '../config/daemon-options';
import { PSAD_VERSION } from '../report/status-report';

/**
 * psad(8), kmsgsd(8) and psadwatchd(8): their OPTIONS sections are made
 * from the declarations -h uses; the rest is written here.
 */
const CONFIG = '/etc/psad/psad.conf';
const SOURCE = `psad-node (psad ${PSAD_VERSION})`;

const CONFIG_TEXT = [
  'The configuration is read from ' + CONFIG + ' (-c) after the override files given with -O, in their order; ' +
    'the first definition of a variable wins. Each setting is a line "NAME value;" (the value ends at the first ";"); ' +
    'lines starting with # are comments, and $NAME in a value is replaced by the value of NAME.',
  'Mistakes stop the program with a message that names the variable, the file and the line, and exit status 1: ' +
    'a Y/N switch that is not Y or N (in either case), a number that is not one, a network variable (HOME_NET, ' +
    'EXTERNAL_NET, the *_SERVERS lists) that is not "any" or a comma-separated list of addresses and networks, ' +
    'a value without its closing ";", a $NAME that is not defined. A variable name no version of psad knows, and a ' +
    'variable set twice in one file, are warnings on standard error (with the closest known name, if one is close); ' +
    'the run goes on.',
];

const FILES_COMMON = [
  { tag: CONFIG, text: 'the main configuration file (see CONFIGURATION).' },
  { tag: '/etc/default/psad', text: 'settings of the init script and the systemd unit: DAEMON, CONFIG, DAEMON_ARGS.' },
];

export function psadManPage(): ManPage {
  return {
    name: 'psad',
    section: 8,
    source: SOURCE,
    summary: 'the Port Scan Attack Detector (Node.js port of psad ' + PSAD_VERSION + ')',
    synopsis: ['psad [options]', 'psad -A [-m <file>] [options]', 'psad -S', 'psad --fw-analyze [--fw-file <file>]', 'psad -K | -R | -H | -U'],
    sections: [
      {
        title: 'Description',
        text: [
          'psad reads the messages a Linux firewall logs for the packets it drops (iptables and ip6tables LOG rules, ' +
            'nftables log statements) and finds port scans, sweeps and other probes in them: it counts the packets of ' +
            'each source, gives each source a danger level from 1 to 5, matches the packets against its signatures, ' +
            'guesses the operating system of the source, and sends alerts by email and syslog. It can also block ' +
            'sources that reach a danger level, with iptables or nftables rules that expire.',
          'Started without a mode option, psad runs as a daemon: it reads new log lines every CHECK_INTERVAL seconds ' +
            '(from the syslog file, from the file kmsgsd fills through the psad FIFO, or from a command such as ' +
            'journalctl), and starts kmsgsd(8) and psadwatchd(8) when the configuration asks for them. ' +
            'The other modes run once and exit: -A analyses a log file and prints a report, -S prints the status of the ' +
            'running daemon, --fw-analyze checks that the firewall logs what psad needs, and the process control options ' +
            'signal the running daemons.',
          'This is a port of psad ' + PSAD_VERSION + ' to Node.js: the same command line, configuration files, alerts and ' +
            'files, with the differences listed in its README ("Differences from psad ' + PSAD_VERSION + '").',
        ],
      },
      {
        title: 'Options',
        text: [
          'Every long option may be given with one or two dashes and abbreviated to a unique prefix (-Anal, --Stat); ' +
            'the one-letter forms below are such prefixes or synonyms. An option that takes a value takes it as the next ' +
            'argument or after "=".',
        ],
        options: manOptions(PSAD_OPTION_GROUPS, CONFIG),
      },
      { title: 'Configuration', text: CONFIG_TEXT },
      {
        title: 'Signals',
        items: [
          { tag: 'SIGHUP', text: 'the daemon re-reads its configuration and data files (psad -H sends it).' },
          { tag: 'SIGUSR1', text: 'the daemon writes its scan table to PSAD_DIR/scan_hash.<pid> (psad -U sends it).' },
          { tag: 'SIGTERM', text: 'the daemon stops, and stops the kmsgsd it started (psad -K stops all of them).' },
        ],
      },
      {
        title: 'Files',
        items: [
          ...FILES_COMMON,
          { tag: '/etc/psad/signatures, auto_dl, icmp_types, icmp6_types, ip_options, posf, pf.os, protocols, snort_rule_dl',
            text: 'the data files: signatures, danger levels for given sources, ICMP types, OS fingerprints, protocol names.' },
          { tag: '/var/log/psad/', text: 'PSAD_DIR: a directory per scanning source, the top ports, signatures and attackers, ' +
            'fwdata (the firewall lines kmsgsd writes), errs/fwerrorlog (lines psad could not parse), status.out, fw_check.' },
          { tag: '/var/run/psad/psad.pid, psad.cmd', text: 'the pid of the daemon and the arguments it was started with (for -R).' },
          { tag: '/var/lib/psad/psadfifo', text: 'the FIFO the system logger writes kernel messages into, for kmsgsd.' },
          { tag: '/etc/logrotate.d/psad', text: 'rotates fwdata and the error logs under /var/log/psad.' },
          { tag: '/etc/rsyslog.d/psad.conf.disabled', text: 'sends kernel messages to the FIFO when renamed to psad.conf ' +
            '(with ENABLE_SYSLOG_FILE N in psad.conf).' },
        ],
      },
      {
        title: 'Exit status',
        items: [
          { tag: '0', text: 'success; with --fw-analyze: the ruleset logs what psad needs; with -S: psad is running.' },
          { tag: '1', text: 'an error (bad configuration, bad option); with --fw-analyze: the ruleset has problems, the ' +
            'check file says which; with -S: psad is not running.' },
          { tag: '2', text: 'a file given to psad could not be opened.' },
        ],
      },
      {
        title: 'Examples',
        example: [
          'psad -A -m /var/log/kern.log          analyse a log, print the report',
          'psad --fw-analyze                     does the firewall log what psad needs?',
          'psad -S                               status of the running daemon',
          'psad -c /etc/psad/psad.conf -O /etc/psad/local.conf -D',
        ],
      },
      {
        title: 'See also',
        text: ['kmsgsd(8), psadwatchd(8), iptables(8), nft(8), rsyslogd(8), logrotate(8)'],
      },
    ],
  };
}

function daemonPage(name: string, summary: string, description: string[], files: { tag: string; text: string }[], signals: { tag: string; text: string }[]): ManPage {
  return {
    name,
    section: 8,
    source: SOURCE,
    summary,
    synopsis: [`${name} [-c <file>] [-O <f1,f2,..>] [--no-daemon]`, `${name} -D | -h | -V`],
    sections: [
      { title: 'Description', text: description },
      { title: 'Options', options: manOptions(DAEMON_OPTION_GROUPS, CONFIG).map((g) => ({ options: g.options })) },
      { title: 'Configuration', text: [`${name} reads the same configuration files as psad, with the same rules and messages.`, CONFIG_TEXT[1]] },
      { title: 'Signals', items: signals },
      { title: 'Files', items: [...FILES_COMMON.slice(0, 1), ...files] },
      { title: 'See also', text: [name === 'kmsgsd' ? 'psad(8), psadwatchd(8), rsyslogd(8)' : 'psad(8), kmsgsd(8)'] },
    ],
  };
}

export function kmsgsdManPage(): ManPage {
  return daemonPage('kmsgsd', 'copy firewall messages from the psad FIFO to the file psad reads', [
    'When psad.conf sets ENABLE_SYSLOG_FILE to N, the system logger writes kernel messages into the FIFO ' +
      'PSAD_FIFO_FILE and kmsgsd reads them: the lines that are firewall messages psad looks for (every line with ' +
      'IN= and OUT= when FW_SEARCH_ALL is Y, else the lines with one of the FW_MSG_SEARCH strings or SNORT_SID_STR) ' +
      'are appended to FW_DATA_FILE, which the psad daemon reads.',
    'psad starts kmsgsd as "kmsgsd -c <config> [-O <overrides>]" and stops it with psad -K. kmsgsd puts itself in the ' +
      'background unless --no-daemon is given, and writes its pid to KMSGSD_PID_FILE.',
  ], [
    { tag: '/var/lib/psad/psadfifo', text: 'PSAD_FIFO_FILE, the FIFO it reads.' },
    { tag: '/var/log/psad/fwdata', text: 'FW_DATA_FILE, the file it appends to; a rotated file is noticed within a second.' },
    { tag: '/var/run/psad/kmsgsd.pid', text: 'KMSGSD_PID_FILE.' },
  ], [
    { tag: 'SIGHUP', text: 'kmsgsd re-reads its configuration.' },
    { tag: 'SIGTERM', text: 'kmsgsd writes the lines it holds, removes its pid file and exits.' },
  ]);
}

export function psadwatchdManPage(): ManPage {
  return daemonPage('psadwatchd', 'restart psad and kmsgsd when they die', [
    'psadwatchd checks every PSADWATCHD_CHECK_INTERVAL seconds that psad (and kmsgsd, when psad uses it) is running, ' +
      'by the pid in its pid file. A program that is not running is started again, psad with the arguments it was ' +
      'started with (PSAD_CMDLINE_FILE), and a mail says so; after PSADWATCHD_MAX_RETRIES restarts it gives up.',
    'psad starts psadwatchd when psad.conf sets ENABLE_PSADWATCHD to Y. Under systemd the unit restarts psad, and ' +
      'psadwatchd is not needed.',
  ], [
    { tag: '/var/run/psad/psad.pid, kmsgsd.pid, psadwatchd.pid', text: 'the pid files it reads and its own.' },
    { tag: '/var/run/psad/psad.cmd', text: 'the arguments psad is restarted with.' },
  ], [
    { tag: 'SIGHUP', text: 'psadwatchd re-reads its configuration.' },
    { tag: 'SIGTERM', text: 'psadwatchd removes its pid file and exits.' },
  ]);
}

/** The three pages as files: name and roff text. */
export function manPageFiles(): { file: string; text: string }[] {
  return [psadManPage(), kmsgsdManPage(), psadwatchdManPage()].map((p) => ({ file: `${p.name}.${p.section}`, text: renderManPage(p) }));
}
