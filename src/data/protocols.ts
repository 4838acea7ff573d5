import { readDataFile } from './diagnostics';

export interface ProtocolString {
  name: string;
  desc: string;
}

/** PROTOCOLS_FILE: `name number alias # description`, keyed by the number text. */
export function parseProtocols(lines: string[]): Map<string, ProtocolString> {
  const out = new Map<string, ProtocolString>();
  for (const line of lines) {
    if (/^\s*#/.test(line)) continue;
    const m = /^\s*(\S+)\s+(\d+)\s+\S+\s+#\s+(.*)/.exec(line);
    if (m) out.set(m[2], { name: m[1], desc: m[3] });
  }
  return out;
}

export function loadProtocols(file: string): Map<string, ProtocolString> {
  return parseProtocols(readDataFile(file));
}
