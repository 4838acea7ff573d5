/**
 * Where data-file loaders report a bad entry. The entry is skipped and the
 * message names the file and line; the caller decides where it goes (stderr
 * for the command line, the daemon's log for psad itself).
 */
export type Warn = (message: string) => void;

export const warnToStderr: Warn = (message: string) => {
  process.stderr.write(`[-] ${message}\n`);
};

/**
 * The lines of a data file as Perl's <F> gives them: each keeps its '\n'
 * (the reference's patterns let `\s` match it, e.g. an ICMP code line "    0").
 * A '\r' before the newline is dropped.
 */
export function splitDataLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      if (start < text.length) out.push(text.slice(start));
      return out;
    }
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    out.push(text.slice(start, end) + '\n');
    start = nl + 1;
  }
}

export function readDataFile(file: string): string[] {
  // required lazily so that modules using only the parsers do not pull in fs
  const fs = require('fs') as typeof import('fs');
  return splitDataLines(fs.readFileSync(file, 'latin1'));
}
