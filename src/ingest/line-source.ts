/**
 * reading, missing, unreadable: a file or FIFO; running, restarting: a
 * command (FW_MSG_READ_CMD); ended: an input read once (-A) at its end.
 */
export type SourceState = 'reading' | 'missing' | 'unreadable' | 'running' | 'restarting' | 'ended';

/**
 * Where log lines come from, read alike by psad, kmsgsd and -A: the file
 * tail (file-tail.ts, with rotation.ts), the FIFO (fifo-source.ts), a
 * command such as journalctl (command-source.ts) and an input read once
 * (line-reader.ts). All split with the one LineSplitter: lines come out
 * complete (an unfinished last line waits for its end) and in the order
 * they were written. Each kind is opened its own way (a file at its end or
 * at a saved position, a command line, a FIFO path, a descriptor already
 * open); from then on they are read and closed alike.
 *
 * String lines are latin1 text without their newline; Buffer lines are the
 * bytes with their newline (the last line of an input that ends without
 * one has none).
 */
export interface LineSource<L extends string | Buffer = string> {
  readonly state: SourceState;
  /** why it is not read (the system's reason), '' while it is */
  readonly problem: string;
  /** lines handed out by `read` so far (psad -S: lines read) */
  readonly linesRead: number;
  /** Appends the lines that arrived since the last call to `lines`. */
  read(lines: L[]): void;
  /** Stops reading: closes the file or FIFO, stops the command. */
  close(): void;
}
