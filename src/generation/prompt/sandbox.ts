/**
 * What a prompt template can reach, and how. Templates are written by API clients, so the engine
 * never touches JavaScript objects directly: every property read, index and method call goes
 * through the functions here, which only know
 *   - plain data: strings, numbers, booleans, null, arrays (Java lists), plain objects (Java maps);
 *   - TemplateObject subclasses, whose methods are an explicit table.
 * There is no path from a template to a prototype, a constructor or any function: `.constructor`,
 * `.__proto__`, `.__lookupGetter__`… are simply unknown names and resolve to nothing, which Velocity
 * renders as the reference text itself.
 *
 * The method names follow the Java types Vectara's (Java) Velocity engine exposes, so templates
 * written for Vectara keep working: `$s.trim()`, `$list.size()`, `$map.get("k")`.
 */

/** Thrown when a template breaks a rule or a limit; the message is shown to the API client. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Method = (args: readonly unknown[]) => unknown;

/** An object a template may call methods on: only the names in `methods()` exist. */
export abstract class TemplateObject {
  protected abstract methods(): Readonly<Record<string, Method>>;

  /** Calls `name` with `args`; undefined when there is no such method. */
  invoke(name: string, args: readonly unknown[]): unknown {
    const table = this.methods();
    return Object.hasOwn(table, name) ? table[name]!(args) : undefined;
  }

  /**
   * `$obj.name` as Velocity resolves it on a bean: `getName()`, then `isName()`, then `name()`.
   * Maps override this to read a key instead.
   */
  property(name: string): unknown {
    const capitalised = name.charAt(0).toUpperCase() + name.slice(1);
    for (const candidate of [`get${capitalised}`, `is${capitalised}`, name]) {
      const value = this.invoke(candidate, []);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** `$obj[key]`: nothing by default. */
  index(_key: unknown): unknown {
    return undefined;
  }

  abstract toString(): string;
}

/** Growth limits the value layer enforces itself (the engine enforces the rest). */
export interface ValueLimits {
  /** Longest string a method may produce, in characters. */
  maxStringChars: number;
  /** Most elements a list may grow to through `add`. */
  maxListSize: number;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `$base.name` */
export function readProperty(base: unknown, name: string): unknown {
  if (base instanceof TemplateObject) return base.property(name);
  if (isPlainObject(base)) return Object.hasOwn(base, name) ? base[name] : undefined;
  return undefined;
}

/** `$base[key]` */
export function readIndex(base: unknown, key: unknown): unknown {
  if (Array.isArray(base)) {
    const i = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
    return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < base.length ? base[i] : undefined;
  }
  if (isPlainObject(base)) {
    const k = String(key);
    return Object.hasOwn(base, k) ? base[k] : undefined;
  }
  if (base instanceof TemplateObject) return base.index(key);
  return undefined;
}

/** `$base.name(args…)` */
export function callMethod(base: unknown, name: string, args: readonly unknown[], limits: ValueLimits): unknown {
  if (base instanceof TemplateObject) return base.invoke(name, args);
  if (typeof base === 'string') return stringMethod(base, name, args, limits);
  if (Array.isArray(base)) return listMethod(base, name, args, limits);
  if (isPlainObject(base)) return mapMethod(base, name, args);
  return undefined;
}

const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

function checkedLength(length: number, limits: ValueLimits): void {
  if (length > limits.maxStringChars) {
    throw new TemplateError(`a string in the template would grow to more than ${limits.maxStringChars} characters`);
  }
}

/** A subset of java.lang.String; positions are UTF-16 code units, as in Java. */
function stringMethod(s: string, name: string, args: readonly unknown[], limits: ValueLimits): unknown {
  const [a, b] = args;
  switch (name) {
    case 'length':
      return s.length;
    case 'isEmpty':
      return s.length === 0;
    case 'isBlank':
      return s.trim().length === 0;
    case 'trim':
    case 'strip':
      return s.trim();
    case 'toUpperCase':
      return s.toUpperCase();
    case 'toLowerCase':
      return s.toLowerCase();
    case 'toString':
      return s;
    case 'substring':
      return b === undefined ? s.substring(Number(a)) : s.substring(Number(a), Number(b));
    case 'charAt':
      return s.charAt(Number(a));
    case 'contains':
      return s.includes(str(a));
    case 'startsWith':
      return s.startsWith(str(a));
    case 'endsWith':
      return s.endsWith(str(a));
    case 'indexOf':
      return s.indexOf(str(a));
    case 'lastIndexOf':
      return s.lastIndexOf(str(a));
    case 'equals':
      return s === str(a);
    case 'equalsIgnoreCase':
      return s.toLowerCase() === str(a).toLowerCase();
    case 'concat':
      checkedLength(s.length + str(a).length, limits);
      return s + str(a);
    case 'replace': {
      // Java's String.replace(CharSequence, CharSequence): literal, every occurrence. The size
      // of the result is known before building it, so an exploding replacement is refused early.
      const target = str(a);
      const replacement = str(b);
      const occurrences = target === '' ? s.length + 1 : countOccurrences(s, target);
      checkedLength(s.length + occurrences * (replacement.length - target.length), limits);
      return target === '' ? s.replaceAll(target, replacement) : s.split(target).join(replacement);
    }
    default:
      return undefined;
  }
}

function countOccurrences(s: string, target: string): number {
  let count = 0;
  for (let at = s.indexOf(target); at !== -1; at = s.indexOf(target, at + target.length)) count++;
  return count;
}

/** A subset of java.util.List. */
function listMethod(list: unknown[], name: string, args: readonly unknown[], limits: ValueLimits): unknown {
  const [a, b] = args;
  switch (name) {
    case 'size':
      return list.length;
    case 'isEmpty':
      return list.length === 0;
    case 'get':
      return readIndex(list, a);
    case 'contains':
      return list.includes(a);
    case 'indexOf':
      return list.indexOf(a);
    case 'subList':
      return list.slice(Number(a), Number(b));
    case 'add':
      if (list.length >= limits.maxListSize) {
        throw new TemplateError(`a list in the template would grow to more than ${limits.maxListSize} elements`);
      }
      list.push(a);
      return true;
    default:
      return undefined;
  }
}

/** A subset of java.util.Map, on plain objects; only own keys exist. */
function mapMethod(map: Record<string, unknown>, name: string, args: readonly unknown[]): unknown {
  const [a, b] = args;
  switch (name) {
    case 'get':
      return readIndex(map, a);
    case 'containsKey':
      return Object.hasOwn(map, str(a));
    case 'keySet':
      return Object.keys(map);
    case 'values':
      return Object.values(map);
    case 'entrySet':
      return Object.entries(map).map(([key, value]) => ({ key, value }));
    case 'size':
      return Object.keys(map).length;
    case 'isEmpty':
      return Object.keys(map).length === 0;
    case 'put': {
      // Returns the previous value, as Java does (so `$map.put(…)` on a new key prints itself,
      // as in Velocity; `$!map.put(…)` prints nothing). defineProperty rather than assignment: a
      // key named "__proto__" becomes an ordinary own key instead of replacing the prototype.
      const key = str(a);
      const previous = Object.hasOwn(map, key) ? map[key] : null;
      Object.defineProperty(map, key, { value: b, enumerable: true, writable: true, configurable: true });
      return previous;
    }
    default:
      return undefined;
  }
}

/**
 * How a value prints in the output, as Java's toString would: lists `[a, b]`, maps `{k=v}`,
 * null `null` (the engine prints a null *reference* as its own text, as Velocity does).
 * Stops at `maxChars` so printing a huge structure cannot build a huge string first.
 */
export function display(value: unknown, maxChars: number, depth = 0): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof TemplateObject) return str(value.toString());
  if (depth > 16) return '…';
  const parts: string[] = [];
  let length = 0;
  const addPart = (part: string): void => {
    length += part.length + 2;
    if (length > maxChars) {
      throw new TemplateError(`the rendered prompt would be longer than ${maxChars} characters`);
    }
    parts.push(part);
  };
  if (Array.isArray(value)) {
    for (const item of value) addPart(display(item, maxChars, depth + 1));
    return `[${parts.join(', ')}]`;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) addPart(`${key}=${display(item, maxChars, depth + 1)}`);
    return `{${parts.join(', ')}}`;
  }
  return '';
}
