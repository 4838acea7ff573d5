import { OptSpec } from './getopt';
import { OptionGroup, optSpecs, usageLines } from './option-decl';

/** The options of kmsgsd and psadwatchd (one set for both), as -h and their man pages show them. */
export const DAEMON_OPTION_GROUPS: OptionGroup[] = [
  {
    title: 'Options:',
    options: [
      { key: 'config', type: 'string', long: 'config', short: 'c', aliases: ['c'], arg: 'file', help: 'config file (default {config})' },
      { key: 'override', type: 'string', long: 'Override-config', short: 'O', aliases: ['O'], arg: 'f1,f2,..',
        help: 'override files, read before the config file (first definition wins)' },
      { key: 'dump', type: 'flag', long: 'Dump-conf', short: 'D', aliases: ['D'], help: 'print the configuration values it uses on stderr and exit' },
      { key: 'help', type: 'flag', long: 'help', short: 'h', aliases: ['h'], help: 'print this help and exit' },
      { key: 'version', type: 'flag', long: 'Version', short: 'V', aliases: ['V'], help: 'print the version and exit' },
      { key: 'noDaemon', type: 'flag', long: 'no-daemon', help: 'stay in the foreground (for systemd and tests)' },
    ],
  },
];

export function daemonOptSpecs(): OptSpec[] {
  return optSpecs(DAEMON_OPTION_GROUPS);
}

export function daemonUsage(prog: string, what: string, version: string, configFile: string): string {
  return `${prog} - ${what} (psad v${version}, Node.js port)\n\nUsage: ${prog} [options]\n\n${usageLines(DAEMON_OPTION_GROUPS, configFile).replace(/\n$/, '')}`;
}
