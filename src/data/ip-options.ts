import { readDataFile } from './diagnostics';

export interface IpOption {
  value: number;
  len: string;
  keyword: string;
  desc: string;
}

/** ip_options: `number  len  keyword  description` (len -1 = variable). */
export function parseIpOptions(lines: string[]): IpOption[] {
  const byNum = new Map<string, IpOption>();
  for (const line of lines) {
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    const m = /^\s*(\d+)\s+(\S+)\s+(\w+)\s+(.*)\s*/.exec(line);
    if (m) byNum.set(m[1], { value: Number(m[1]), len: m[2], keyword: m[3], desc: m[4] });
  }
  return [...byNum.values()];
}

export function loadIpOptions(file: string): IpOption[] {
  return parseIpOptions(readDataFile(file));
}
