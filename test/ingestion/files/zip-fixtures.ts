import { randomBytes } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import type { Zippable } from 'fflate';

/** Zips text parts (name → XML) into an archive, as office suites and EPUB tools do. */
export function zipParts(parts: Record<string, string | Uint8Array>, level: 0 | 6 | 9 = 6): Buffer {
  const files: Zippable = {};
  for (const [name, value] of Object.entries(parts)) files[name] = typeof value === 'string' ? strToU8(value) : value;
  return Buffer.from(zipSync(files, { level }));
}

/** A 200 MB entry of zeros under `name` (compresses to ~200 KB), next to the given parts. */
export function zipBomb(name: string, parts: Record<string, string> = {}): Buffer {
  const files: Zippable = { [name]: [new Uint8Array(200 * 1024 * 1024), { level: 9 }] };
  for (const [n, v] of Object.entries(parts)) files[n] = strToU8(v);
  return Buffer.from(zipSync(files));
}

/**
 * A ZIP whose central directory claims a huge uncompressed size for `name` while the data is tiny:
 * refused from the declared size alone, before anything is inflated.
 */
export function zipWithDeclaredSize(name: string, content: string, declared: number): Buffer {
  const zip = Buffer.from(zipSync({ [name]: strToU8(content) }));
  // Central directory header: signature 0x02014b50, uncompressed size at offset 24.
  const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(declared, cd + 24);
  return zip;
}

/** Bad inputs every ZIP-based parser must refuse: truncated archives, random bytes, empty. */
export function brokenZips(good: Buffer): Buffer[] {
  return [
    good.subarray(0, Math.floor(good.length / 2)),
    good.subarray(0, good.length - 10),
    good.subarray(0, 30),
    randomBytes(4096),
    Buffer.concat([Buffer.from('PK\u0003\u0004'), randomBytes(2048)]),
    Buffer.alloc(0),
    corruptData(good),
  ];
}

/** The archive with its compressed data overwritten (directory intact): inflation fails. */
function corruptData(good: Buffer): Buffer {
  const copy = Buffer.from(good);
  const cd = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  for (let i = 40; i < cd - 4; i += 1) copy[i] = (copy[i]! * 31 + 7) & 0xff;
  return copy;
}
