import { readDataFile } from './diagnostics';

export interface IcmpType {
  text: string;
  codes: Set<string>;
}

/**
 * icmp_types / icmp6_types: `N  text` starts a type (discarded when the text
 * says "unassigned"), an indented `N  text` adds a code to the current type.
 */
export function parseIcmpTypes(lines: string[]): Map<string, IcmpType> {
  const out = new Map<string, IcmpType>();
  let current = '-1';
  for (const line of lines) {
    if (/^\s*#/.test(line)) continue;
    let m = /^(\d+)\s+(.*)/.exec(line);
    if (m) {
      current = m[1];
      if (/unassigned/i.test(m[2])) current = '-1';
      let t = out.get(current);
      if (!t) { t = { text: m[2], codes: new Set() }; out.set(current, t); }
      t.text = m[2];
      t.codes.add('-1');
      continue;
    }
    m = /^\s+(\d+)\s+(.*)/.exec(line);
    if (m && Number(current) > -1) {
      if (/unassigned/i.test(m[2])) continue;
      out.get(current)!.codes.add(m[1]);
    }
  }
  return out;
}

export function loadIcmpTypes(file: string): Map<string, IcmpType> {
  return parseIcmpTypes(readDataFile(file));
}
