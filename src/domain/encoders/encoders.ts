import type { SecretBox } from '../../auth/secrets.js';
import { BUILT_IN_ENCODER, VECTARA_ENCODER_ALIASES } from '../../providers/encoders/catalog.js';
import type { EncoderSpec } from '../../providers/encoders/registry.js';
import { ThreadedEncoder } from '../../providers/encoders/threaded.js';
import { workersAvailable } from '../../worker-entries.js';
import type { Encoder } from '../../providers/encoders/types.js';
import type { EncoderRecord, Page, PageRequest, Storage } from '../../storage/types.js';
import { invalidField, notFound } from '../errors.js';
import { listFixedThenStored } from '../fixed-then-stored.js';
import { httpUri } from '../http-uri.js';

export type EncoderFactory = (spec: EncoderSpec) => Encoder;

type RemoteAuth = { type: 'bearer'; token: string } | { type: 'header'; header: string; value: string };

export interface EncoderView {
  id: string;
  name: string;
  type: string;
  output_dimensions?: number;
  default: boolean;
  enabled: boolean;
  /** Quarry addition: what the encoder is, in plain words. */
  description?: string;
}

export interface CreateEncoder {
  type: 'openai-compatible';
  name: string;
  description?: string;
  uri: string;
  model: string;
  output_dimensions?: number;
  auth?: RemoteAuth;
}

/** Built-in encoders, listed before registered ones, with ids below 100. */
const BUILT_INS: EncoderView[] = [
  {
    id: 'enc_1',
    name: BUILT_IN_ENCODER,
    type: 'builtin',
    output_dimensions: 100,
    default: true,
    enabled: true,
    description:
      'Built-in, offline: GloVe 100-dimensional word vectors averaged with smooth inverse frequency weights. ' +
      'Not a neural model; register an OpenAI-compatible encoder for stronger semantic search.',
  },
  ...Object.entries(VECTARA_ENCODER_ALIASES).map(([alias, target], i) => ({
    id: `enc_${i + 2}`,
    name: alias,
    type: 'builtin',
    output_dimensions: 100,
    default: false,
    enabled: true,
    description: `Vectara's encoder name, accepted so Vectara client code runs unchanged; served here by ${target}.`,
  })),
];

const view = (r: EncoderRecord): EncoderView => ({
  id: `enc_${r.id}`,
  name: r.name,
  type: r.type,
  ...(r.output_dimensions ? { output_dimensions: r.output_dimensions } : {}),
  default: false,
  enabled: r.enabled,
  ...(r.description ? { description: r.description } : {}),
});

/** A local ONNX model directory offered as an encoder by configuration. */
export interface ConfiguredOnnxEncoder {
  name: string;
  path: string;
  pooling?: 'mean' | 'cls';
  query_prefix?: string;
  document_prefix?: string;
}

/**
 * Encoders: the built-in one (and its Vectara alias), local ONNX models named in the
 * configuration, plus OpenAI-compatible endpoints registered through the API. Remote credentials are sealed under the master key. Working encoders are built
 * once per name and reused.
 */
export class EncoderService {
  private readonly live = new Map<string, Encoder>();
  /** Built-ins, then configured ONNX models, at fixed positions below 100. */
  private readonly fixed: EncoderView[];

  constructor(
    private readonly storage: Storage,
    private readonly vault: SecretBox,
    private readonly factory: EncoderFactory,
    private readonly onnx: readonly ConfiguredOnnxEncoder[] = [],
    /** Threads for the built-in encoder (0: the calling thread). */
    private readonly threads = 0,
  ) {
    this.fixed = [
      ...BUILT_INS,
      ...onnx.map((o, i) => ({
        id: `enc_${BUILT_INS.length + i + 1}`,
        name: o.name,
        type: 'onnx',
        default: false,
        enabled: true,
        description: `Local ONNX model from the server's configuration, run offline.`,
      })),
    ];
  }

  async list(page: PageRequest, filter: { filter?: string }): Promise<Page<EncoderView>> {
    return listFixedThenStored(
      this.fixed,
      page,
      filter.filter,
      (p, nameRegex) => this.storage.encoders.list(p, { nameRegex }),
      (r) => ({ pos: r.id, view: view(r) }),
    );
  }

  /** Registers a remote encoder after one trial call, which also learns its dimension. */
  async create(req: CreateEncoder): Promise<EncoderView> {
    const name = req.name.trim();
    if (!name) throw invalidField('name', 'must not be empty');
    if (this.fixed.some((b) => b.name === name)) throw invalidField('name', `'${name}' is the name of a built-in or configured encoder`);
    const uri = httpUri('uri', req.uri);
    const spec: EncoderSpec = { type: 'openai-compatible', name, uri: uri.toString(), model: req.model, output_dimensions: req.output_dimensions, auth: req.auth };
    let dims: number;
    try {
      // dimensions 0: the trial learns the size; a mismatch with output_dimensions is reported below.
      const [v] = await this.factory({ ...spec, dimensions: 0 }).embed(['Quarry checks that this encoder answers.'], 'document');
      dims = v!.length;
    } catch (err) {
      throw invalidField('uri', `the encoder did not answer a trial request: ${(err as Error).message}`);
    }
    if (req.output_dimensions !== undefined && dims !== req.output_dimensions) {
      throw invalidField('output_dimensions', `the encoder returned ${dims}-dimensional vectors, not ${req.output_dimensions}`);
    }
    const record = await this.storage.encoders.create({
      name,
      type: 'openai-compatible',
      description: req.description ?? null,
      config: { uri: spec.uri, model: req.model, ...(req.output_dimensions ? { output_dimensions: req.output_dimensions } : {}) },
      auth_encrypted: req.auth ? this.vault.seal(JSON.stringify(req.auth)) : null,
      output_dimensions: dims,
    });
    return view(record);
  }

  /** Whether a corpus may be created with this encoder name. */
  async exists(name: string): Promise<boolean> {
    return this.fixed.some((b) => b.name === name) || (await this.storage.encoders.getByName(name)) !== undefined;
  }

  /** The working encoder for a name (built-in, alias, or registered). */
  async resolve(requested: string): Promise<Encoder> {
    // Vectara's alias and the built-in share one encoder (and its threads).
    const name = BUILT_INS.some((b) => b.name === requested) ? BUILT_IN_ENCODER : requested;
    const cached = this.live.get(name);
    if (cached) return cached;
    let spec: EncoderSpec;
    const configured = this.onnx.find((o) => o.name === name);
    if (BUILT_INS.some((b) => b.name === name)) {
      spec = { type: 'builtin', name: BUILT_IN_ENCODER };
    } else if (configured) {
      spec = { type: 'onnx', ...configured };
    } else {
      const r = await this.storage.encoders.getByName(name);
      if (!r) throw notFound('Encoder', name);
      spec = {
        type: 'openai-compatible',
        name: r.name,
        uri: String(r.config.uri),
        model: String(r.config.model),
        output_dimensions: typeof r.config.output_dimensions === 'number' ? r.config.output_dimensions : undefined,
        dimensions: r.output_dimensions ?? undefined,
        auth: r.auth_encrypted ? JSON.parse(this.vault.open(r.auth_encrypted)) : undefined,
      };
    }
    const encoder =
      spec.type === 'builtin' && this.threads > 0 && workersAvailable()
        ? new ThreadedEncoder(BUILT_IN_ENCODER, 100, spec, this.threads, this.factory(spec))
        : this.factory(spec);
    this.live.set(name, encoder);
    return encoder;
  }

  async close(): Promise<void> {
    await Promise.all([...this.live.values()].map((e) => e.close?.()));
    this.live.clear();
  }
}
