import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { invalidField, payloadTooLarge, unsupportedMediaType } from '../../domain/errors.js';
import type { UploadInput } from '../../domain/documents/upload.js';
import { CorpusKeyParams } from '../schemas/corpora.js';
import { ChunkingStrategy, DocumentView } from '../schemas/documents.js';
import { fieldErrorsOf } from '../validation.js';
import { op, type App, type Services } from '../types.js';
import type { TableGeneration } from '../../domain/generation/table-summaries.js';

/** Largest file accepted; larger uploads are cut off while streaming, before being buffered. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const TableExtractionConfig = Type.Object({
  extract_tables: Type.Boolean(),
  extractor: Type.Optional(Type.Object({ name: Type.String() })),
  generation: Type.Optional(
    Type.Object({
      llm_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      prompt_template: Type.Optional(Type.String({ maxLength: 65_536 })),
      model_parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
});
const JSON_FIELDS = {
  metadata: ajv.compile(Type.Record(Type.String(), Type.Unknown())),
  chunking_strategy: ajv.compile(ChunkingStrategy),
  table_extraction_config: ajv.compile(TableExtractionConfig),
} as const;

/** A JSON form field, parsed safely and checked against its shape; a 400 naming the field otherwise. */
function jsonField(name: keyof typeof JSON_FIELDS, text: string): unknown {
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw invalidField(name, `is not valid JSON (${(err as Error).message})`);
  }
  const validate = JSON_FIELDS[name];
  if (!validate(value)) {
    const detail = Object.entries(fieldErrorsOf(validate.errors ?? [])).map(([f, m]) => (f === '(body)' ? m : `${f} ${m}`)).join('; ');
    throw invalidField(name, detail || 'has the wrong shape');
  }
  return value;
}

/** ES2024's resizable ArrayBuffer, which Node 20 has (the project's TypeScript lib is ES2022). */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

const tooLarge = () => payloadTooLarge(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);

/**
 * The file part's bytes, written as they arrive into one buffer that grows in place (reserved for
 * MAX_UPLOAD_BYTES; only what is written takes memory). `toBuffer()` would keep every chunk until
 * the end and then copy them all: the file held twice. The buffer returned spans its whole
 * ArrayBuffer, so a parser may move it to another thread without a copy.
 */
async function readFilePart(stream: AsyncIterable<Buffer> & { truncated?: boolean }): Promise<Buffer> {
  const memory = new ResizableArrayBuffer(0, { maxByteLength: MAX_UPLOAD_BYTES });
  const view = new Uint8Array(memory);
  for await (const chunk of stream) {
    // Busboy stops at the limit and marks the stream truncated; never grow past the reservation.
    if (stream.truncated || memory.byteLength + chunk.length > MAX_UPLOAD_BYTES) throw tooLarge();
    const at = memory.byteLength;
    memory.resize(at + chunk.length);
    view.set(chunk, at);
  }
  if (stream.truncated) throw tooLarge();
  return Buffer.from(memory);
}

async function readUpload(req: FastifyRequest): Promise<UploadInput> {
  const fields: Record<string, string> = {};
  let file: { bytes: Buffer; filename: string; mediaType: string } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 1024 * 1024 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw invalidField(part.fieldname, 'unexpected file: send the file in the field `file`');
        file = { bytes: await readFilePart(part.file), filename: part.filename, mediaType: part.mimetype };
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (code === 'FST_FILES_LIMIT_REACHED') throw invalidField('file', 'send one file per upload');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw invalidField('file', 'send the upload as multipart/form-data');
    if (code === 'FST_PARTS_LIMIT_REACHED' || code === 'FST_FIELDS_LIMIT_REACHED') throw invalidField('(body)', 'too many form fields');
    throw err;
  }
  if (!file) throw invalidField('file', 'is required: send the document in the form field `file`');
  const tables = fields.table_extraction_config
    ? (jsonField('table_extraction_config', fields.table_extraction_config) as { extract_tables: boolean; generation?: TableGeneration })
    : undefined;
  return {
    ...file,
    ...(fields.filename !== undefined ? { documentId: fields.filename } : {}),
    ...(fields.metadata !== undefined ? { metadata: jsonField('metadata', fields.metadata) as Record<string, unknown> } : {}),
    ...(fields.chunking_strategy !== undefined ? { chunkingStrategy: jsonField('chunking_strategy', fields.chunking_strategy) as UploadInput['chunkingStrategy'] } : {}),
    extractTables: tables?.extract_tables ?? false,
    ...(tables?.generation ? { tableGeneration: tables.generation } : {}),
  };
}

export const TABLE_EXTRACTORS = [
  {
    name: 'quarry-table-extractor-v1',
    is_default: true,
    description:
      "Quarry's built-in extractor: reads the tables a file declares (HTML, DOCX, ODT, PPTX and CSV tables) and, in PDFs, rows of text aligned in columns. No model is involved in finding tables; " +
      "tables without a description are described by the LLM named in table_extraction_config.generation (by default the built-in extractive summariser, which quotes their most representative rows).",
  },
];

/**
 * The multipart parser, registered before any route. Only upload_file reads form data: any
 * other operation sent a form answers 415, as for any body that is not its JSON.
 */
export async function registerMultipart(app: FastifyInstance): Promise<void> {
  await app.register(multipart);
  app.addHook('preValidation', async (req) => {
    if (req.isMultipart() && req.routeOptions.config.operationId !== 'uploadFile') {
      throw unsupportedMediaType('Unsupported Content-Type; send application/json.');
    }
  });
}

export function uploadRoutes(app: App, { uploads }: Services): void {
  app.route({
    ...op('uploadFile'),
    schema: { params: CorpusKeyParams, response: { 201: DocumentView } },
    handler: async (req, reply) => reply.code(201).send((await uploads.upload(req.params.corpus_key, await readUpload(req))).document),
  });

  app.route({
    ...op('listTableExtractors'),
    schema: {
      response: {
        200: Type.Object({ table_extractors: Type.Array(Type.Object({ name: Type.String(), is_default: Type.Boolean(), description: Type.String() })) }),
      },
    },
    handler: async () => ({ table_extractors: TABLE_EXTRACTORS }),
  });
}
