import { createInterface } from 'node:readline/promises';
import { apiClient } from './api.js';
import { context, parse, print, type Context } from './context.js';
import { CliError, EXIT, usage, type ExitCode } from './exit.js';
import { say } from './say.js';
import { saveLogin } from './settings.js';
import { transfers } from './transfers-command.js';
import { columnsKnown, listDatasets, uploadDataset, waitForDataset, type DatasetView } from './datasets.js';
import { downloadDataset, formatOf, startExport } from './exports.js';
import { listSchedules, scheduleLine, setSchedulePaused } from './schedules.js';
import { downloadResults, exitCodeOf, readStatus, startMigration, summaryLine, waitForMigration, type StatusView } from './migrations.js';


async function readSecret(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, terminal: false });
  if (process.stdin.isTTY) process.stderr.write(prompt);
  try {
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
  }
}

/** `dms login URL`: reads a token (made on the API tokens page), checks it with the server, saves both. */
async function login(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { token: { type: 'string' } });
  const url = positionals[0];
  if (!url || !/^https?:\/\//.test(url)) throw usage(say('cli.usage.login'));
  const token = values.token ?? (await readSecret(say('cli.tokenPrompt')));
  if (!token) throw usage(say('cli.noToken'));
  const me = await apiClient({ url, token }).json<{ username: string; role: string; token?: { scope: string } }>('GET', '/api/v1/me');
  const path = await saveLogin({ url, token, username: me.username });
  if (values.json) print(JSON.stringify({ ...me, url, saved: path }));
  else print(say('cli.loggedIn', { url, username: me.username, role: me.role, scope: me.token?.scope ?? '-', path }));
  return EXIT.ok;
}

function printDataset(ctx: Context, dataset: DatasetView): void {
  const rows = dataset.status === 'ready' ? ` (${say('cli.rows', { rows: dataset.rowCount })})` : '';
  print(ctx.json ? JSON.stringify(dataset) : `${dataset.id} ${dataset.status}${rows}`);
}

async function datasets(argv: string[]): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, { wait: { type: 'boolean' } });
  const ctx = await context(values, positionals);
  if (sub === 'list') {
    const list = await listDatasets(ctx.api);
    if (ctx.json) print(JSON.stringify(list));
    else for (const d of list) print(`${d.id}\t${d.status}\t${say('cli.rows', { rows: d.rowCount })}\t${d.name}`);
    return EXIT.ok;
  }
  if (sub !== 'upload' || !positionals[0]) throw usage(say('cli.usage.datasets'));
  let dataset = await uploadDataset(ctx.api, positionals[0], ctx.progress);
  if (values.wait) dataset = await waitForDataset(ctx.api, dataset.id, ctx.progress, ctx.timeoutSeconds);
  printDataset(ctx, dataset);
  return EXIT.ok;
}

function report(ctx: Context, status: StatusView): ExitCode {
  print(ctx.json ? JSON.stringify(status) : summaryLine(status));
  return exitCodeOf(status);
}

async function migrate(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, {
    dataset: { type: 'string' }, file: { type: 'string' }, object: { type: 'string' }, operation: { type: 'string' },
    template: { type: 'string' }, 'external-id': { type: 'string' }, connection: { type: 'string', default: 'local' },
    name: { type: 'string' }, wait: { type: 'boolean' },
  });
  if ((values.dataset === undefined) === (values.file === undefined) || !values.object || !values.operation) {
    throw usage(say('cli.usage.migrate'));
  }
  const ctx = await context(values, positionals);
  // A new file's run starts once its columns are known and follows the parse (docs/migrations.md, "Pipelining").
  const upload = async (file: string) => (await uploadDataset(ctx.api, file, ctx.progress)).id;
  const datasetId = values.dataset
    ?? (await waitForDataset(ctx.api, await upload(values.file as string), ctx.progress, ctx.timeoutSeconds, 'parse', columnsKnown)).id;
  const started = await startMigration(ctx.api, {
    datasetId, object: values.object, operation: values.operation, connection: values.connection ?? 'local',
    template: values.template, externalId: values['external-id'], name: values.name,
  }, ctx.progress);
  if (!values.wait) return report(ctx, started);
  return report(ctx, await waitForMigration(ctx.api, started.migration.id, ctx.progress, ctx.timeoutSeconds));
}

async function status(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { wait: { type: 'boolean' } });
  if (!positionals[0]) throw usage(say('cli.usage.status'));
  const ctx = await context(values, positionals);
  const id = positionals[0];
  const current = values.wait ? await waitForMigration(ctx.api, id, ctx.progress, ctx.timeoutSeconds) : await readStatus(ctx.api, id);
  return report(ctx, current);
}

async function results(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { success: { type: 'boolean' }, errors: { type: 'boolean' }, output: { type: 'string', short: 'o' } });
  if (!positionals[0] || values.success === values.errors || !values.output) {
    throw usage(say('cli.usage.results'));
  }
  const ctx = await context(values, positionals);
  await downloadResults(ctx.api, positionals[0], values.success ? 'success' : 'errors', values.output);
  if (values.output !== '-') ctx.progress.note(say('cli.saved', { file: values.output }));
  return EXIT.ok;
}

/** `dms export`: a Salesforce query into a new dataset; `-o` waits for it and downloads it. */
async function exportCommand(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parse(argv, {
    connection: { type: 'string', default: 'local' }, object: { type: 'string' }, fields: { type: 'string' },
    soql: { type: 'string' }, where: { type: 'string' }, all: { type: 'boolean' }, api: { type: 'string' },
    name: { type: 'string' }, wait: { type: 'boolean' }, output: { type: 'string', short: 'o' }, format: { type: 'string' },
  });
  const format = values.output === undefined ? undefined : formatOf(values.output, values.format);
  if (values.format !== undefined && values.output === undefined) throw usage(say('cli.usage.export'));
  const ctx = await context(values, positionals);
  const options = { ...values, connection: values.connection ?? 'local', all: values.all ?? false };
  let dataset = await startExport(ctx.api, options, ctx.progress);
  if (values.wait || format) dataset = await waitForDataset(ctx.api, dataset.id, ctx.progress, ctx.timeoutSeconds, 'export');
  if (format && values.output) {
    await downloadDataset(ctx.api, dataset.id, format, values.output);
    if (values.output !== '-') ctx.progress.note(say('cli.saved', { file: values.output }));
  }
  if (values.output === '-') return EXIT.ok;
  printDataset(ctx, dataset);
  return EXIT.ok;
}

/** `dms schedules list | pause ID|NAME | resume ID|NAME`. */
async function schedules(argv: string[]): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, {});
  const target = positionals[0];
  if (sub !== 'list' && !((sub === 'pause' || sub === 'resume') && target)) throw usage(say('cli.usage.schedules'));
  const ctx = await context(values, positionals);
  if (sub === 'list') {
    const list = await listSchedules(ctx.api);
    if (ctx.json) print(JSON.stringify(list));
    else for (const s of list) print(scheduleLine(s));
    return EXIT.ok;
  }
  const changed = await setSchedulePaused(ctx.api, target as string, sub === 'pause');
  print(ctx.json ? JSON.stringify(changed) : scheduleLine(changed));
  return EXIT.ok;
}

export const CLIENT_COMMANDS: Record<string, (argv: string[]) => Promise<ExitCode>> = {
  login, datasets, migrate, status, results, export: exportCommand, schedules, transfers,
};

/** Runs a client command; a CliError becomes one line on stderr and its exit code. */
export async function runClientCommand(name: string, argv: string[]): Promise<ExitCode> {
  const command = CLIENT_COMMANDS[name];
  if (!command) throw usage(say('cli.unknownCommand', { name }));
  try {
    return await command(argv);
  } catch (error) {
    process.stderr.write(`dms ${name}: ${(error as Error).message}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.refused;
  }
}

export { CliError, EXIT };
