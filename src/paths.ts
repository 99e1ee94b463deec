import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder (holding package.json, views/, public/), from src/ under tsx or dist/src/ after build. */
function findProjectRoot(): string {
  // Walked up to the file system's root: a build may sit deeper than dist/ (bench/out/e2e-dist for the benchmarks).
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'views'))) return dir;
  }
  throw new Error('Cannot find the DMS project folder (package.json next to views/)');
}

export const PROJECT_ROOT = findProjectRoot();

export const APP_VERSION: string = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);
