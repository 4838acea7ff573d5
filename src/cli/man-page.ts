/**
 * A man page in roff (man macros) from a simple description: paragraphs,
 * tagged lists and option lists. The option lists are plain
 * `{ flags, description }` pairs (commander's Option has both), so any
 * option declaration can feed them.
 */

export interface ManOption {
  /** e.g. `-m, --messages-file <file>` */
  flags: string;
  description: string;
}

export interface ManSection {
  title: string;
  /** paragraphs of plain text */
  text?: string[];
  /** a tagged list (FILES, EXIT STATUS, ...) */
  items?: { tag: string; text: string }[];
  /** option groups, each under its own sub-heading when it has a title */
  options?: { title?: string; options: ManOption[] }[];
  /** literal lines shown as they are (examples) */
  example?: string[];
}

export interface ManPage {
  /** program name, lower case */
  name: string;
  section: number;
  /** shown at the bottom (package and version) */
  source: string;
  /** the NAME line after "name \-" */
  summary: string;
  /** SYNOPSIS lines, each a command line */
  synopsis: string[];
  sections: ManSection[];
}

/** Text for roff: backslashes and hyphens escaped, no line may start with a control character. */
export function roffText(s: string): string {
  return s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

/** `-m, --messages-file <file>` with the option names bold and the argument italic. */
function flagsRoff(flags: string): string {
  return flags
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) return `\\fI${roffText(part.slice(1, -1))}\\fR`;
      return part.replace(/(-{1,2}[A-Za-z0-9][\w-]*)/g, (n) => `\\fB${roffText(n)}\\fR`);
    })
    .join('');
}

export function renderManPage(p: ManPage): string {
  const out: string[] = [];
  out.push(`.TH ${p.name.toUpperCase()} ${p.section} "" "${roffText(p.source)}" "System Administration"`);
  out.push('.SH NAME', `${roffText(p.name)} \\- ${roffText(p.summary)}`);
  out.push('.SH SYNOPSIS');
  p.synopsis.forEach((line, k) => {
    if (k) out.push('.br');
    const [cmd, ...rest] = line.split(' ');
    out.push(`.B ${roffText(cmd)}`);
    if (rest.length) out.push(flagsRoff(rest.join(' ')));
  });
  for (const s of p.sections) {
    out.push(`.SH ${roffText(s.title.toUpperCase())}`);
    (s.text ?? []).forEach((t, k) => {
      if (k) out.push('.PP');
      out.push(roffText(t));
    });
    if (s.example) {
      out.push('.PP', '.nf', '.RS 4', ...s.example.map(roffText), '.RE', '.fi');
    }
    for (const it of s.items ?? []) out.push('.TP', `.B ${roffText(it.tag)}`, roffText(it.text));
    for (const g of s.options ?? []) {
      if (g.title) out.push(`.SS ${roffText(g.title.replace(/:$/, ''))}`);
      for (const o of g.options) out.push('.TP', flagsRoff(o.flags), roffText(o.description));
    }
  }
  return `${out.join('\n')}\n`;
}
