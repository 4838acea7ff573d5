/** tcp/N and tcp/LOW-HIGH lists (IGNORE_PORTS, auto_dl criteria). */
export interface PortSet {
  ports: Set<number>;
  /** low -> high, ranges kept only when low < high; larger high wins */
  ranges: Map<number, number>;
}

export type PortSets = Map<string, PortSet>;

function entry(sets: PortSets, proto: string): PortSet {
  let e = sets.get(proto);
  if (!e) { e = { ports: new Set(), ranges: new Map() }; sets.set(proto, e); }
  return e;
}

export function parsePortRange(sets: PortSets, line: string): void {
  for (const field of line.split(/\s*,\s*/)) {
    let m = /(tcp|udp)\/(\d+)\s*-\s*(\d+)/i.exec(field);
    if (m) {
      const proto = m[1].toLowerCase();
      const low = Number(m[2]);
      const high = Number(m[3]);
      if (low < high) {
        const e = entry(sets, proto);
        const existing = e.ranges.get(low) ?? 0;
        if (!existing || high > existing) e.ranges.set(low, high);
      }
      continue;
    }
    m = /(tcp|udp)\/(\d+)/i.exec(field);
    if (m) entry(sets, m[1].toLowerCase()).ports.add(Number(m[2]));
  }
}

export function matchPort(set: PortSet, port: number): boolean {
  if (set.ports.has(port)) return true;
  for (const [low, high] of set.ranges) {
    if (port >= low && port <= high) return true;
  }
  return false;
}
