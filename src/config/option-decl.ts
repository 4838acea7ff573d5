import { OptSpec, OptType } from './getopt';

/**
 * One command-line option, declared once: the parser's names and type, and
 * the text -h and the man page show. Everything that lists options is made
 * from these declarations, so they cannot disagree.
 */
export interface OptionDecl {
  /** key of the parsed value (synonyms share it) */
  key: string;
  type: OptType;
  /** main long name (without dashes) */
  long: string;
  /** one-letter form shown as -x (it works as a unique prefix, or is listed in `aliases`) */
  short?: string;
  /** argument placeholder shown as <arg> */
  arg?: string;
  /** other accepted names: synonyms, psad 2.1.7 short forms */
  aliases?: string[];
  /** what it does; '\n' starts a new line in -h. `{config}` is the config file. */
  help: string;
}

export interface OptionGroup {
  title: string;
  options: OptionDecl[];
}

/** The parser's view: every accepted name with its key and type. */
export function optSpecs(groups: readonly OptionGroup[]): OptSpec[] {
  const out: OptSpec[] = [];
  for (const g of groups) {
    for (const o of g.options) {
      for (const n of [o.long, ...(o.aliases ?? [])]) out.push({ name: n, type: o.type, key: o.key });
    }
  }
  return out;
}

const dashed = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);

/** `-A, --Analyze-msgs <file>` (commander's "flags" form). */
export function flagsText(o: OptionDecl): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.long}${o.arg ? ` <${o.arg}>` : ''}`;
}

/** The help text with the accepted names it does not mention yet added as "(also ...)". */
export function helpText(o: OptionDecl, configFile: string): string {
  let text = o.help.split('{config}').join(configFile);
  const missing = (o.aliases ?? []).filter((a) => a !== o.short && !new RegExp(`(^|[\\s(,])${dashed(a)}(?![\\w-])`).test(text));
  if (missing.length) text += ` (also ${missing.map(dashed).join(', ')})`;
  return text;
}

/** A simple list for the man page generator: flags and description, as commander keeps them. */
export function manOptions(groups: readonly OptionGroup[], configFile: string): { title: string; options: { flags: string; description: string }[] }[] {
  return groups.map((g) => ({
    title: g.title,
    options: g.options.map((o) => ({ flags: flagsText(o), description: helpText(o, configFile).replace(/\n\s*/g, ' ') })),
  }));
}

/** -h's option lines: flags in a 30-column field, the help beside them (continuation lines indented). */
export function usageLines(groups: readonly OptionGroup[], configFile: string): string {
  const width = 32;
  let out = '';
  for (const g of groups) {
    out += `${g.title}\n`;
    for (const o of g.options) {
      const left = `${o.short ? `  -${o.short}, ` : '      '}--${o.long}${o.arg ? ` <${o.arg}>` : ''}`;
      const lines = helpText(o, configFile).split('\n');
      out += `${left.length >= width ? `${left} ` : left.padEnd(width)}${lines[0]}\n`;
      for (const l of lines.slice(1)) out += `${' '.repeat(width)}${l.trimStart()}\n`;
    }
    out += '\n';
  }
  return out;
}
