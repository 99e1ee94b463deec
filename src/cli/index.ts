#!/usr/bin/env node
import { configOrExit } from '../config.js';
import { configureLogger, logger } from '../logger.js';
import { startSupervisor } from './start.js';

const USAGE = `Usage: dms <command>

Commands:
  start      web, worker, parser, transfers (as the Procfile) and the Local org as child processes, with embedded Redis and CouchDB when not configured
  web        the web process only (needs REDIS_URL and COUCHDB_URL, or VCAP_SERVICES)
  worker     a worker process only (same settings as web)
  create-user NAME --role viewer|operator|admin [--password-stdin]   add a user (the first admin, for instance)
  emulator   the Salesforce emulator alone: dms emulator [--port N] [--data DIR] [--describe DIR] [--record-types FILE] [--jwt-cert FILE] [--inspect]

Client commands (against a running DMS; see docs/automation.md):
  login URL [--token TOKEN]                     save the server and an API token (read from stdin without --token)
  datasets upload FILE [--wait] | datasets list  upload a file (and wait for the parse) or list datasets
  migrate (--dataset ID | --file FILE) --object O --operation OP [--template NAME] [--external-id F] [--wait]
  status ID [--wait]                            a migration's totals (waits until it ends with --wait)
  results ID (--success | --errors) -o FILE     download a results CSV
  export [--connection ID|NAME] (--object O --fields a,b [--where W] | --soql Q) [--all] [--api auto|rest|bulk] [--wait]
         [-o FILE [--format csv|xlsx|parquet|ndjson]]   a Salesforce query into a dataset (-o waits and downloads it)
  schedules list | schedules pause|resume ID|NAME  schedules with their next run; pause or resume one
  transfers list | start (FILE.json | --source KIND --target KIND [--source-url U] [--source-set k=v]... [--target-url U]
            [--target-set k=v]...) [--pipeline FILE] [--batch-size N] [--bound N] [--continuous] [--wait]
            | status ID [--wait] | pause|resume|stop ID | dead-letters ID [--page N] [--page-size N] [--retry [--pipeline FILE]]
  Every client command takes --json (one JSON document on stdout) and --timeout SECONDS.
  Exit codes: 0 all rows succeeded, 1 some rows failed (or dead letters), 2 usage, 3 refused or server error, 4 timeout.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const config = configOrExit();
      configureLogger({ level: config.logLevel });
      await startSupervisor(config);
      return;
    }
    case 'web':
      await import('../server.js');
      return;
    case 'worker':
      await import('../../workers/index.js');
      return;
    case 'create-user': {
      const { runCreateUser } = await import('../auth/cli.js');
      await runCreateUser(rest);
      return;
    }
    case 'emulator': {
      const { runEmulatorCli } = await import('../salesforce-emulator/main.js');
      await runEmulatorCli(rest);
      return;
    }
    case 'login':
    case 'datasets':
    case 'migrate':
    case 'status':
    case 'results':
    case 'export':
    case 'schedules':
    case 'transfers': {
      const { runClientCommand } = await import('./client/commands.js');
      process.exitCode = await runClientCommand(command, rest);
      return;
    }
    default:
      process.stdout.write(USAGE);
      process.exit(command === undefined || command === 'help' || command === '--help' ? 0 : 2);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  logger('app').fatal({ err }, (err as Error).message);
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
