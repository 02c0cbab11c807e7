import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config } from './schema.js';

export type PartialConfig = {
  [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K];
};

/** Environment variables Quarry reads, and the setting each one feeds. */
const ENV_SETTINGS: Record<string, [string] | [string, string]> = {
  QUARRY_HOST: ['host'],
  QUARRY_PORT: ['port'],
  QUARRY_DATA_DIR: ['data_dir'],
  QUARRY_LOG_LEVEL: ['log_level'],
  QUARRY_BODY_LIMIT_BYTES: ['body_limit_bytes'],
  QUARRY_VECTOR_GRAPH_MIN_PARTS: ['vector_graph_min_parts'],
  QUARRY_TOKEN_TTL_SECONDS: ['auth', 'token_ttl_seconds'],
  QUARRY_STORE_SECRETS: ['auth', 'store_secrets'],
  QUARRY_MASTER_KEY: ['auth', 'master_key'],
  QUARRY_MASTER_KEY_FILE: ['auth', 'master_key_file'],
  QUARRY_CORS_ORIGINS: ['cors_origins'],
  QUARRY_OWNER_USERNAME: ['owner', 'username'],
  QUARRY_OWNER_EMAIL: ['owner', 'email'],
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function readConfigFile(path: string): PartialConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    // YAML is a superset of JSON, so one parser reads both kinds of file.
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a mapping');
    return parsed as PartialConfig;
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML or JSON: ${(err as Error).message}`);
  }
}

function fromEnv(env: NodeJS.ProcessEnv): PartialConfig {
  const out: Record<string, unknown> = {};
  for (const [name, [section, key]] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (key === undefined) out[section] = value;
    else out[section] = { ...(out[section] as object | undefined), [key]: value };
  }
  return out as PartialConfig;
}

function merge(...layers: PartialConfig[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] =
        v !== null && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object'
          ? { ...(prev as object), ...(v as object) }
          : v;
    }
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export interface LoadConfigOptions {
  /** Path of a YAML or JSON config file; falls back to QUARRY_CONFIG. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line flags, highest precedence. */
  flags?: PartialConfig;
}

/** defaults < file < environment < flags, validated once, then frozen. Bad values throw ConfigError. */
export function loadConfig(opts: LoadConfigOptions = {}): Readonly<Config> {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.QUARRY_CONFIG;
  const merged = merge(file ? readConfigFile(file) : {}, fromEnv(env), opts.flags ?? {});
  return buildConfig(merged);
}

/** Validates a settings object (defaults filled in) without reading files or the environment. */
export function buildConfig(settings: PartialConfig | Record<string, unknown> = {}): Readonly<Config> {
  const value = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, structuredClone(settings)));
  const errors = [...Value.Errors(ConfigSchema, value)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path || '/'}: ${e.message}`);
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  return deepFreeze(value as Config);
}
