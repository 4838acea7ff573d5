import * as fs from 'fs';
import { PsadError } from './errors';

/** One `NAME value;` assignment and where it came from. */
export interface ConfLine {
  name: string;
  value: string;
  file: string;
  line: number;
}

export interface ParsedConf {
  assignments: ConfLine[];
  /** lines that look like an assignment but lack the closing ';' */
  unterminated: ConfLine[];
  /** every line's text, for FW_MSG_SEARCH/FW_SEARCH_ALL re-reading */
  lines: string[];
}

/**
 * Reads psad.conf syntax: `NAME<ws>VALUE;` with the value up to the first
 * ';' (leading blanks dropped, trailing blanks kept), '#' comment lines.
 */
export function parseConfText(text: string, file: string): ParsedConf {
  const lines = text.split('\n');
  const assignments: ConfLine[] = [];
  const unterminated: ConfLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (/^\s*#/.test(line)) continue;
    const m = /^\s*(\S+)\s+(.*?);/.exec(line);
    if (m) {
      assignments.push({ name: m[1], value: m[2], file, line: i + 1 });
    } else {
      const u = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*)$/.exec(line);
      if (u) unterminated.push({ name: u[1], value: u[2], file, line: i + 1 });
    }
  }
  return { assignments, unterminated, lines };
}

export function readConfFile(file: string): ParsedConf {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new PsadError(`Could not open config file ${file}: ${describeErrno(err)}`, 2);
  }
  return parseConfText(text, file);
}

export function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    default: return err.message;
  }
}
