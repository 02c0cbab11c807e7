import { join } from 'node:path';
import { buildApp, type QuarryApp } from '../app.js';
import { loadConfig, type PartialConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createSqliteStorage } from '../storage/sqlite/index.js';

export interface GlobalFlags {
  config?: string;
  host?: string;
  port?: string;
  dataDir?: string;
  logLevel?: string;
}

export function configFrom(flags: GlobalFlags): Readonly<Config> {
  const overrides: Record<string, unknown> = {};
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.port !== undefined) overrides.port = flags.port;
  if (flags.dataDir !== undefined) overrides.data_dir = flags.dataDir;
  if (flags.logLevel !== undefined) overrides.log_level = flags.logLevel;
  return loadConfig({ file: flags.config, flags: overrides as PartialConfig });
}

export const databasePath = (config: Pick<Config, 'data_dir'>): string => join(config.data_dir, 'quarry.db');

/** Builds the app on the embedded SQLite storage of the configured data directory. */
export async function openApp(config: Readonly<Config>): Promise<QuarryApp> {
  return buildApp({ config, storage: createSqliteStorage(databasePath(config)) });
}
