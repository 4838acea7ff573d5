import * as fs from 'fs';
import { AlertData, AlertSink } from '../alert/scan-logr';
import { Engine } from '../engine/engine';
import { netContains, parseAddr } from '../net/addr';
import { DataTables } from './runtime';

export function alertData(t: DataTables, engine: Engine, localPorts: Map<string, Set<number>> = new Map()): AlertData {
  return {
    sigs: t.signatures?.bySid ?? new Map(),
    fwsnort: t.fwsnort,
    refBaseUrl: t.refBaseUrl,
    protocolStrings: t.protocols,
    icmpTypes: t.icmpTypes,
    icmp6Types: t.icmp6Types,
    localPorts,
    isLocal: (ip: string) => {
      const a = parseAddr(ip);
      return !!a && engine.opts.localNets.some((n) => netContains(n, a));
    },
  };
}

/** The alert side effects of analysis mode: files only (no syslog, no mail). */
export function fileAlertSink(out: (t: string) => void): AlertSink {
  return {
    mkdir: (dir) => {
      if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    },
    writeFile: (file, text) => fs.writeFileSync(file, Buffer.from(text, 'latin1'), { mode: 0o600 }),
    syslog: () => undefined,
    stdout: (t) => out(t),
    mail: () => undefined,
    dns: () => '',
    whois: () => [],
    externalScript: () => undefined,
    now: () => Math.floor(Date.now() / 1000),
  };
}
