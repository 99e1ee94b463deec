// Writes an Account CSV of N rows x 8 columns that the emulator accepts as is (valid Industry picklist
// values, whole-number AnnualRevenue, unique External_Id__c), for the migration benchmark.
// Usage: node --import tsx bench/migrate/generate.ts [rows=1000000] [out=bench/out/migrate-accounts-<rows>.csv]
import { writeCsvLines } from '../support/write-csv.js';

export const COLUMNS = ['Name', 'AccountNumber', 'Phone', 'Website', 'Industry', 'AnnualRevenue', 'NumberOfEmployees', 'External_Id__c'];
const INDUSTRIES = ['Banking', 'Energy', 'Retail', 'Technology', 'Healthcare', 'Shipping', 'Media', 'Other'];

export const defaultPath = (rows: number): string => `bench/out/migrate-accounts-${rows}.csv`;

export function generate(rows: number, path = defaultPath(rows)): Promise<string> {
  return writeCsvLines(path, COLUMNS.join(','), rows, (i) => {
    // Every tenth name holds a comma, so quoting is exercised on both sides.
    const name = i % 10 === 0 ? `"Company ${i}, Inc."` : `Company ${i}`;
    return `${name},AC-${String(i).padStart(8, '0')},+1 555 ${String(i % 10_000).padStart(4, '0')},https://c${i}.example.com,`
      + `${INDUSTRIES[i % 8]},${(i * 37) % 10_000_000},${i % 5000},EXT-${String(i).padStart(9, '0')}\n`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  console.log(`wrote ${rows} rows to ${await generate(rows, process.argv[3])}`);
}
