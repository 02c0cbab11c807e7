/**
 * A ~40-line writer of the protobuf wire format and the few ONNX messages the tests' tiny models
 * need (only varints and length-delimited fields), so tests build real ONNX files with no
 * protobuf dependency and no downloaded model.
 */
// ---- protobuf wire format (proto3 field encoding) ----
export type Field = Uint8Array;

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}
export const concat = (parts: readonly Uint8Array[]): Uint8Array => Buffer.concat(parts);
export const vint = (field: number, value: number | bigint): Field =>
  Uint8Array.from([...varint((field << 3) | 0), ...varint(value)]);
export const bytes = (field: number, payload: Uint8Array): Field =>
  concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(payload.length)]), payload]);
export const str = (field: number, s: string): Field => bytes(field, Buffer.from(s, 'utf8'));
export const msg = (field: number, parts: readonly Field[]): Field => bytes(field, concat(parts));

// ---- ONNX messages (field numbers from onnx.proto) ----
export const FLOAT = 1;
export const INT64 = 7;

/** ValueInfoProto for a tensor input/output; a string dim is symbolic (dim_param). */
export function valueInfo(field: number, name: string, elemType: number, dims: readonly (number | string)[]): Field {
  const dimMsgs = dims.map((d) => msg(1, [typeof d === 'number' ? vint(1, d) : str(2, d)]));
  const tensorType = msg(1, [vint(1, elemType), msg(2, dimMsgs)]);
  return msg(field, [str(1, name), msg(2, [tensorType])]);
}

export function node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: Field[] = []): Field {
  return msg(1, [...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${op}_${outputs[0]}`), str(4, op), ...attrs]);
}

/** AttributeProto of type INT (type enum 2). */
export const intAttr = (name: string, value: number): Field => msg(5, [str(1, name), vint(3, value), vint(20, 2)]);

export function floatTensor(name: string, dims: readonly number[], data: readonly number[]): Field {
  const raw = Buffer.from(Float32Array.from(data).buffer);
  return msg(5, [...dims.map((d) => vint(1, d)), vint(2, FLOAT), str(8, name), bytes(9, raw)]);
}
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): Field {
  const raw = Buffer.from(BigInt64Array.from(data.map(BigInt)).buffer);
  return msg(5, [...dims.map((d) => vint(1, d)), vint(2, INT64), str(8, name), bytes(9, raw)]);
}

