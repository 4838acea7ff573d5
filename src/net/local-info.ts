import * as fs from 'fs';
import * as os from 'os';

/**
 * Local ports in use, as psad reads them from `netstat -an` (IPv4 tcp and
 * udp sockets in any state): here from /proc/net/tcp and /proc/net/udp.
 */
export function listeningPorts(procRoot = '/proc'): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const proto of ['tcp', 'udp']) {
    const set = new Set<number>();
    let text = '';
    try {
      text = fs.readFileSync(`${procRoot}/net/${proto}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const m = /^\s*\d+:\s+[0-9A-Fa-f]+:([0-9A-Fa-f]+)\s/.exec(line);
      if (m) set.add(parseInt(m[1], 16));
    }
    out.set(proto, set);
  }
  return out;
}

/** Every address of this host's interfaces (for the never-block rule). */
export function localAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) out.push(a.address.replace(/%.*$/, ''));
  }
  return out;
}
