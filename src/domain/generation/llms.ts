import type { SecretBox } from '../../auth/secrets.js';
import { ExtractiveSummariser, EXTRACTIVE_LLM_NAME } from '../../generation/extractive/summariser.js';
import type { LanguageModel } from '../../generation/types.js';
import { LlmError } from '../../generation/types.js';
import { OpenAICompatibleLlm, type RemoteLlmSpec } from '../../providers/llms/openai-compatible.js';
import type { LlmRecord, Page, PageRequest, Storage } from '../../storage/types.js';
import { forbidden, invalidField, notFound, QuarryError } from '../errors.js';
import { listFixedThenStored } from '../fixed-then-stored.js';
import { BUILTIN_LLMS, fixedLlms, presets, type BuiltinLlm, type Preset } from './catalog.js';
import { GgufLlm, type GgufSpec } from '../../providers/llms/gguf.js';
import { httpUri } from '../http-uri.js';

export type RemoteAuth = { type: 'bearer'; token: string } | { type: 'header'; header: string; value: string };

export interface LlmView {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  default: boolean;
}

export interface CreateLlm {
  type: 'openai-compatible' | 'openai-responses';
  name: string;
  description?: string;
  model: string;
  uri: string;
  auth?: RemoteAuth;
  headers?: Record<string, string>;
  test_model_parameters?: Record<string, unknown>;
}

export type RemoteLlmFactory = (spec: RemoteLlmSpec) => OpenAICompatibleLlm;

const view = (r: LlmRecord): LlmView => ({
  id: r.id,
  name: r.name,
  ...(r.description ? { description: r.description } : {}),
  enabled: r.enabled,
  default: false,
});

/** Stored LLM ids are `llm_<n>` with n from 100 up; below are the built-ins' positions. */
const position = (id: string): number => Number(id.slice('llm_'.length));

/**
 * LLMs: the built-in extractive summariser plus OpenAI-compatible servers registered through the
 * API (credentials sealed under the master key, checked with one trial call when registered), and
 * the generation presets that name them. Working remote clients are built per request: they hold
 * no connection state worth keeping.
 */
export class LlmService {
  private readonly extractive = new ExtractiveSummariser();
  readonly presets: readonly Preset[];
  /** Built-ins, then configured GGUF models, at positions below 100. */
  private readonly fixed: readonly BuiltinLlm[];
  /** How the fixed ones are shown: the first (the built-in summariser) is the default. */
  private readonly fixedViews: readonly LlmView[];
  /** GGUF models, loaded on first use and kept for the life of the server. */
  private readonly local = new Map<string, GgufLlm>();

  constructor(
    private readonly storage: Storage,
    private readonly vault: SecretBox,
    presetLlms: Readonly<Record<string, string>> = {},
    private readonly factory: RemoteLlmFactory = (spec) => new OpenAICompatibleLlm(spec),
    private readonly gguf: readonly GgufSpec[] = [],
  ) {
    this.presets = presets(presetLlms);
    this.fixed = fixedLlms(gguf);
    this.fixedViews = this.fixed.map((b, i) => ({ id: b.id, name: b.name, description: b.description, enabled: true, default: i === 0 }));
  }

  async list(page: PageRequest, filter: { filter?: string }): Promise<Page<LlmView>> {
    return listFixedThenStored(
      this.fixedViews,
      page,
      filter.filter,
      (p, nameRegex) => this.storage.llms.list(p, nameRegex ? { nameRegex } : {}),
      (r) => ({ pos: position(r.id), view: view(r) }),
    );
  }

  async get(id: string): Promise<LlmView> {
    const fixed = this.fixedViews.find((v) => v.id === id);
    if (fixed) return fixed;
    const r = await this.storage.llms.get(id);
    if (!r) throw notFound('LLM', id);
    return view(r);
  }

  /** Registers a remote LLM after one trial call; a server that does not answer is a 400. */
  async create(req: CreateLlm): Promise<LlmView> {
    const name = req.name.trim();
    if (!name) throw invalidField('name', 'must not be empty');
    if (this.fixed.some((b) => b.name === name)) throw invalidField('name', `'${name}' is the name of a built-in or configured LLM`);
    const uri = httpUri('uri', req.uri);
    const spec: RemoteLlmSpec = {
      name,
      type: req.type,
      uri: uri.toString(),
      model: req.model,
      ...(req.auth ? { auth: req.auth } : {}),
      ...(req.headers ? { headers: req.headers } : {}),
    };
    try {
      await this.factory(spec).testCall(req.test_model_parameters ?? {});
    } catch (err) {
      const reason = err instanceof LlmError ? err.message : 'it could not be reached';
      throw invalidField('uri', `the LLM did not answer a trial request: ${reason}`);
    }
    const record = await this.storage.llms.create({
      name,
      description: req.description ?? null,
      type: req.type,
      model: req.model,
      uri: spec.uri,
      auth_encrypted: req.auth ? this.vault.seal(JSON.stringify(req.auth)) : null,
      headers: req.headers ?? {},
      test_model_parameters: req.test_model_parameters ?? {},
    });
    return view(record);
  }

  async delete(id: string): Promise<void> {
    if (this.fixed.some((b) => b.id === id)) throw forbidden(`LLM '${id}' is built in or configured, and cannot be deleted.`);
    if (!(await this.storage.llms.delete(id))) throw notFound('LLM', id);
  }

  /** The preset of that name; an unknown name is a 400 on `field`. */
  preset(name: string | undefined, field: string): Preset {
    const found = name === undefined ? this.presets.find((p) => p.default) : this.presets.find((p) => p.name === name);
    if (!found) throw invalidField(field, `no generation preset is named '${name}'; GET /v2/generation_presets lists them`);
    return found;
  }

  /** A preset's name (Vectara's `mockingbird-2.0`, say) stands for the LLM that serves it. */
  private llmNameOf(requested: string): string {
    return this.presets.find((p) => p.name === requested)?.llm_name ?? requested;
  }

  /** Whether the name is a model this server runs itself (the built-in summariser, a GGUF model). */
  isLocal(requested: string): boolean {
    const name = this.llmNameOf(requested);
    return name === EXTRACTIVE_LLM_NAME || this.gguf.some((g) => g.name === name);
  }

  /** The working model for an LLM name; an unknown name is a 400 on `field`. */
  async model(requested: string, field: string): Promise<LanguageModel> {
    const name = this.llmNameOf(requested);
    if (name === EXTRACTIVE_LLM_NAME) return this.extractive;
    const spec = this.gguf.find((g) => g.name === name);
    if (spec) {
      let model = this.local.get(name);
      if (!model) {
        model = new GgufLlm(spec);
        this.local.set(name, model);
      }
      return model;
    }
    return this.remote(name, field);
  }

  async close(): Promise<void> {
    await Promise.all([...this.local.values()].map((m) => m.close()));
    this.local.clear();
  }

  /**
   * A registered remote LLM's client. `proxy`: for the chat-completions passthrough, which only
   * servers speaking chat completions can serve.
   */
  async remote(requested: string, field: string, options: { proxy?: boolean } = {}): Promise<OpenAICompatibleLlm> {
    const name = this.llmNameOf(requested);
    const r = await this.storage.llms.getByName(name);
    if (!r) throw invalidField(field, `no LLM is named '${name}'; GET /v2/llms lists them`);
    if (!r.enabled) throw invalidField(field, `LLM '${name}' is disabled`);
    let auth: RemoteAuth | undefined;
    try {
      auth = r.auth_encrypted ? (JSON.parse(this.vault.open(r.auth_encrypted)) as RemoteAuth) : undefined;
    } catch {
      throw new QuarryError(503, `LLM '${name}' cannot be used: its stored credentials cannot be opened with this server's master key.`);
    }
    if (options.proxy && r.type !== 'openai-compatible') {
      throw invalidField(field, `LLM '${name}' speaks the ${r.type} API; chat completions pass through openai-compatible LLMs only`);
    }
    return this.factory({
      name: r.name,
      type: r.type as RemoteLlmSpec['type'],
      uri: r.uri,
      model: r.model,
      headers: r.headers,
      ...(auth ? { auth } : {}),
    });
  }
}
