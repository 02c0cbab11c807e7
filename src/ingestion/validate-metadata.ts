import { invalidField } from '../domain/errors.js';
import type { CustomDimensionRecord, FilterAttributeRecord } from '../storage/types.js';

type AttributeType = FilterAttributeRecord['type'];

function fits(type: AttributeType, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'real_number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'text':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'list[integer]':
    case 'list[real_number]':
    case 'list[text]': {
      const inner = type.slice(5, -1) as AttributeType;
      return Array.isArray(value) && value.every((v) => fits(inner, v));
    }
  }
}

const TYPE_WORDS: Record<AttributeType, string> = {
  integer: 'an integer',
  real_number: 'a number',
  text: 'text',
  boolean: 'true or false',
  'list[integer]': 'a list of integers',
  'list[real_number]': 'a list of numbers',
  'list[text]': 'a list of texts',
};

/**
 * Metadata values of declared filter attributes must have the declared type (null means "absent"
 * and is allowed). Undeclared fields are stored as given and simply cannot be filtered on.
 * `field` is the request path of the metadata object, used in field_errors.
 */
export function checkMetadata(
  metadata: Record<string, unknown>,
  attributes: readonly FilterAttributeRecord[],
  level: 'document' | 'part',
  field: string,
): void {
  for (const attr of attributes) {
    if (attr.level !== level) continue;
    const value = metadata[attr.name];
    if (value === undefined || value === null) continue;
    if (!fits(attr.type, value)) {
      throw invalidField(
        `${field}.${attr.name}`,
        `filter attribute '${attr.name}' is declared as ${attr.type}, so it must be ${TYPE_WORDS[attr.type]} (got ${JSON.stringify(value)?.slice(0, 60)})`,
      );
    }
  }
}

/**
 * Custom dimensions must be declared on the corpus; missing ones take the corpus's indexing
 * default. Values must be finite numbers.
 */
export function resolveCustomDimensions(
  given: Record<string, number> | undefined,
  declared: readonly CustomDimensionRecord[],
  field: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of declared) out[d.name] = d.indexing_default;
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!declared.some((d) => d.name === name)) {
      throw invalidField(`${field}.${name}`, `'${name}' is not a custom dimension of this corpus`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidField(`${field}.${name}`, 'must be a finite number');
    out[name] = value;
  }
  return out;
}
