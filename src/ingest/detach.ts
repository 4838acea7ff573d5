/**
 * A copy of a string that does not share memory with the line it was cut
 * from. Map keys built from log lines must not keep whole read buffers alive
 * (V8 keeps substrings as views into their parent).
 */
export function detach(s: string): string {
  return (s + ' ').slice(0, -1);
}
