/**
 * Loads a GGUF model through node-llama-cpp, on the CPU, with nothing built or downloaded.
 *
 * - The file is checked first (it exists and starts with the GGUF magic), so the common mistakes
 *   are reported without loading the library at all.
 * - node-llama-cpp is imported here, on first use only: a server with no GGUF model never loads it.
 * - `getLlama` uses the prebuilt CPU binary shipped with the package (`gpu: false`) and never
 *   falls back to fetching or compiling llama.cpp (`build: 'never'`, `skipDownload: true`); a
 *   machine the binary cannot run on gets an error instead of a download.
 * - The chat format is the model's own chat template when the file has one (the library renders
 *   it, or an equivalent built-in format); otherwise the library's plain-text "### Human /
 *   ### Assistant" format. The library's guesses from file names and BOS strings are not used:
 *   for a file without a template they pick a format the model may never have seen.
 *
 * Every failure is an LlmError('rejected') naming the model and at most the file's base name.
 */
import { open } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ChatWrapper, Llama, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { LlmError } from '../../generation/types.js';

export const NODE_LLAMA_CPP = 'node-llama-cpp@3.21.1';

export interface GgufSpec {
  name: string;
  /** A .gguf file. */
  path: string;
  /** Tokens per generation (prompt and answer); default: what fits in memory, at most 4096. */
  context_size?: number;
  /** CPU threads for evaluation; default: the cores llama.cpp finds useful for math. */
  threads?: number;
  /** Generations run side by side (each has its own context sequence); more wait their turn. Default 1. */
  parallel?: number;
}

export type NodeLlamaCpp = typeof import('node-llama-cpp');

/** Everything loaded for one model; `dispose` releases it all. */
export interface LoadedGguf {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  /** Holds `parallel` sequences, each of `context_size` tokens. */
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  dispose(): Promise<void>;
}

/** How many generations run side by side: `parallel`, as a whole number of at least 1. */
export function parallelOf(spec: GgufSpec): number {
  return Math.max(1, Math.floor(spec.parallel ?? 1));
}

const GGUF_MAGIC = 'GGUF';
const DEFAULT_MAX_CONTEXT = 4096;

export async function loadGguf(spec: GgufSpec, importLibrary: () => Promise<NodeLlamaCpp> = () => import('node-llama-cpp')): Promise<LoadedGguf> {
  const fail = (message: string) => new LlmError('rejected', `llm "${spec.name}": ${message}`);
  const file = basename(spec.path);
  await checkGgufFile(spec.path, file, fail);
  const lib = await importNodeLlamaCpp(importLibrary, fail);

  const disposers: (() => Promise<void>)[] = [];
  const dispose = async () => {
    for (const d of disposers.splice(0).reverse()) await d().catch(() => undefined);
  };
  try {
    const llama = await lib
      .getLlama({
        gpu: false,
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        logLevel: lib.LlamaLogLevel.error,
        // 0 lifts the library's floor of 4 threads, which oversubscribes small machines (every
        // extra spinning thread slows evaluation down badly); contexts then default to the math cores.
        maxThreads: spec.threads ?? 0,
      })
      .catch((cause: unknown) => {
        throw fail(`llama.cpp cannot run on this machine with the prebuilt CPU binary of ${NODE_LLAMA_CPP}: ${scrub(cause, spec.path)}`);
      });
    disposers.push(() => llama.dispose());
    const model = await llama.loadModel({ modelPath: spec.path }).catch((cause: unknown) => {
      throw fail(`${file} could not be loaded: ${scrub(cause, spec.path)}`);
    });
    disposers.push(() => model.dispose());
    const context = await model
      .createContext({
        contextSize: spec.context_size ?? { max: DEFAULT_MAX_CONTEXT },
        sequences: parallelOf(spec),
        ...(spec.threads ? { threads: spec.threads } : {}),
      })
      .catch((cause: unknown) => {
        throw fail(`no context could be created for ${file}: ${scrub(cause, spec.path)}`);
      });
    disposers.push(() => context.dispose());
    return { lib, llama, model, context, chatWrapper: chatWrapperOf(lib, model), dispose };
  } catch (err) {
    await dispose();
    throw err instanceof LlmError ? err : fail(scrub(err, spec.path));
  }
}

async function checkGgufFile(path: string, file: string, fail: (message: string) => LlmError): Promise<void> {
  let magic: string;
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      magic = head.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fail(`model file ${file} not found`);
    if (code === 'EISDIR') throw fail(`${file} is a directory, not a .gguf file`);
    throw fail(`model file ${file} cannot be read (${code ?? 'unknown error'})`);
  }
  if (magic !== GGUF_MAGIC) throw fail(`${file} is not a GGUF file`);
}

async function importNodeLlamaCpp(importLibrary: () => Promise<NodeLlamaCpp>, fail: (message: string) => LlmError): Promise<NodeLlamaCpp> {
  try {
    return await importLibrary();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND') throw fail(`GGUF models need the package ${NODE_LLAMA_CPP}; install it with: npm install ${NODE_LLAMA_CPP}`);
    throw fail(`${NODE_LLAMA_CPP} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function chatWrapperOf(lib: NodeLlamaCpp, model: LlamaModel): ChatWrapper {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof template === 'string' && template.trim()) return lib.resolveChatWrapper(model, { warningLogs: false });
  return new lib.GeneralChatWrapper();
}

/** The cause's message with the file's directory left out (library messages may quote the full path). */
function scrub(cause: unknown, path: string): string {
  let message = cause instanceof Error ? cause.message : String(cause);
  for (const full of new Set([resolve(path), path])) {
    message = message.split(full).join(basename(path));
    const dir = dirname(full);
    if (dir.length > 1) message = message.split(dir).join('…');
  }
  return message;
}
