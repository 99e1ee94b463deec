/**
 * How the client reports while it waits: a redrawn bar on a terminal, a plain line per change when piped
 * (CI logs), nothing with --json (stdout then holds only the final JSON document).
 */
export interface Progress {
  update(label: string, done: number, total: number): void;
  note(line: string): void;
  end(): void;
}

const BAR_WIDTH = 30;

export function progressReporter(options: { json: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.json) return { update: () => undefined, note: () => undefined, end: () => undefined };
  if (!stream.isTTY) {
    let last = '';
    return {
      update(label, done, total) {
        const line = `${label} ${done}/${total}`;
        if (line !== last) stream.write(`${line}\n`);
        last = line;
      },
      note: (line) => stream.write(`${line}\n`),
      end: () => undefined,
    };
  }
  let drawn = false;
  return {
    update(label, done, total) {
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * BAR_WIDTH);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(ratio * 100).toFixed(0)}% ${done}/${total}\x1b[K`);
      drawn = true;
    },
    note(line) {
      stream.write(`${drawn ? '\n' : ''}${line}\n`);
      drawn = false;
    },
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
