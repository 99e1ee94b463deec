/** The `dms` client's exit codes (documented in docs/automation.md): scripts branch on them. */
export const EXIT = { ok: 0, rowsFailed: 1, usage: 2, refused: 3, timeout: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the client reports in one line and exits with its code. */
export class CliError extends Error {
  constructor(readonly exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export const usage = (message: string): CliError => new CliError(EXIT.usage, message);
