/** A fatal error with the text psad prints (without the "[*] " prefix). */
export class PsadError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'PsadError';
  }
}
