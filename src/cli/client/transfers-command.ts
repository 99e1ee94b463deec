import { context, parse, print, type Context } from './context.js';
import { CliError, EXIT, usage, type ExitCode } from './exit.js';
import { say } from './say.js';
import {
  controlTransfer, deadLetterLine, deadLetters, listTransfers, readTransfer, retryDeadLetters, startTransfer, transferExitCode,
  transferLine, transferRequestOf, waitForTransfer, type TransferView,
} from './transfers.js';

const START = {
  source: { type: 'string' }, target: { type: 'string' }, 'source-url': { type: 'string' }, 'target-url': { type: 'string' },
  'source-set': { type: 'string', multiple: true }, 'target-set': { type: 'string', multiple: true },
  pipeline: { type: 'string' }, name: { type: 'string' }, 'batch-size': { type: 'string' }, bound: { type: 'string' },
  continuous: { type: 'boolean' }, wait: { type: 'boolean' },
} as const;
const DEAD_LETTERS = { page: { type: 'string' }, 'page-size': { type: 'string' }, retry: { type: 'boolean' }, pipeline: { type: 'string' } } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A transfer's id from its id or its name (the newest of that name). */
async function transferIdOf(ctx: Context, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const found = (await listTransfers(ctx.api)).find((t) => t.name === idOrName);
  if (!found) throw new CliError(EXIT.refused, say('cli.noTransfer', { transfer: idOrName }));
  return found.id;
}

function report(ctx: Context, transfer: TransferView): ExitCode {
  print(ctx.json ? JSON.stringify(transfer) : transferLine(transfer));
  return transferExitCode(transfer);
}

const positiveInt = (option: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text)) throw usage(say('cli.badNumber', { option, value: text }));
  return Number(text);
};

async function start(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, START);
  const body = await transferRequestOf({ ...values, file: positionals[0] });
  const ctx = await context(values, positionals);
  const started = await startTransfer(ctx.api, body, ctx.progress);
  if (!values.wait) return report(ctx, started);
  return report(ctx, await waitForTransfer(ctx.api, started.id, ctx.progress, ctx.timeoutSeconds));
}

/** Lists a page of dead letters; `--retry` retries that page (with `--page`) or all of them. */
async function deadLetterCommand(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, DEAD_LETTERS);
  if (!positionals[0]) throw usage(say('cli.usage.transfers'));
  const ctx = await context(values, positionals);
  const id = await transferIdOf(ctx, positionals[0]);
  const page = positiveInt('--page', values.page, 1);
  const listed = await deadLetters(ctx.api, id, page, positiveInt('--page-size', values['page-size'], 50));
  if (values.retry) {
    const keys = values.page === undefined ? undefined : listed.deadLetters.map((l) => l.key);
    const transfer = await retryDeadLetters(ctx.api, id, keys, values.pipeline);
    const count = keys?.length ?? listed.total;
    if (ctx.json) print(JSON.stringify({ retried: keys ?? 'all', count, transfer }));
    else print(say('cli.deadLettersRetried', { count, id: transfer.id }));
    return EXIT.ok;
  }
  if (values.pipeline !== undefined) throw usage(say('cli.usage.transfers'));
  if (ctx.json) print(JSON.stringify(listed));
  else for (const letter of listed.deadLetters) print(deadLetterLine(letter));
  const from = (listed.page - 1) * listed.pageSize;
  ctx.progress.note(say('cli.deadLetterPage', { from: from + 1, to: from + listed.deadLetters.length, total: listed.total }));
  if (listed.hasNext) ctx.progress.note(say('cli.deadLetterNext', { page: listed.page + 1 }));
  return EXIT.ok;
}

/** `dms transfers list | start | status | pause | resume | stop | dead-letters`. */
export async function transfers(argv: string[]): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === 'start') return start(rest);
  if (sub === 'dead-letters') return deadLetterCommand(rest);
  const { values, positionals } = parse(rest, { wait: { type: 'boolean' } });
  if (sub === 'list') {
    const ctx = await context(values, positionals);
    const list = await listTransfers(ctx.api);
    if (ctx.json) print(JSON.stringify(list));
    else for (const t of list) print(transferLine(t));
    return EXIT.ok;
  }
  const isControl = sub === 'pause' || sub === 'resume' || sub === 'stop';
  if (!(isControl || sub === 'status') || !positionals[0] || (isControl && values.wait)) throw usage(say('cli.usage.transfers'));
  const ctx = await context(values, positionals);
  const id = await transferIdOf(ctx, positionals[0]);
  if (isControl) {
    const changed = await controlTransfer(ctx.api, id, sub);
    print(ctx.json ? JSON.stringify(changed) : transferLine(changed));
    return EXIT.ok;
  }
  return report(ctx, values.wait ? await waitForTransfer(ctx.api, id, ctx.progress, ctx.timeoutSeconds) : await readTransfer(ctx.api, id));
}
