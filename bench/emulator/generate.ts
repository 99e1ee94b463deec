// Writes an Account CSV of N rows x 8 columns for the emulator's Bulk ingest benchmark.
// Usage: node --import tsx bench/emulator/generate.ts [rows=1000000] [out=bench/out/emulator-accounts-<rows>.csv]
import { writeCsvLines } from '../support/write-csv.js';

const INDUSTRIES = ['Banking', 'Energy', 'Retail', 'Technology', 'Healthcare', 'Shipping', 'Media', 'Other'];
const CITIES = ['Berlin', 'Paris', 'London', 'New York', 'São Paulo', 'Tokyo', 'Zürich', 'Lagos'];

export function defaultPath(rows: number): string {
  return `bench/out/emulator-accounts-${rows}.csv`;
}

export function generate(rows: number, path = defaultPath(rows)): Promise<string> {
  return writeCsvLines(path, 'Name,External_Id__c,Phone,Website,Industry,AnnualRevenue,NumberOfEmployees,BillingCity', rows, (i) => {
    const name = i % 10 === 0 ? `"Company ${i}, Inc."` : `Company ${i}`;
    return `${name},EXT-${i},+1 555 ${String(i % 10_000).padStart(4, '0')},https://c${i}.example.com,${INDUSTRIES[i % 8]},${(i * 37) % 1_000_000}.50,${i % 5000},${CITIES[i % 8]}\n`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const path = await generate(rows, process.argv[3]);
  console.log(`wrote ${rows} rows to ${path}`);
}
