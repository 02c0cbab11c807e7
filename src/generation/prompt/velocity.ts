/**
 * A sandboxed, bounded Apache Velocity engine on top of velocityjs.
 *
 * velocityjs parses and evaluates Velocity faithfully, but it was built for trusted templates: it
 * reads any JavaScript property, calls any JavaScript method and materialises any range. Prompt
 * templates come from API clients, so this subclass replaces the parts that touch values or can
 * run away:
 *   - property reads, indexes and method calls go through sandbox.ts (no prototypes, no functions);
 *   - every evaluated node, loop iteration and range element costs a step, and a template that
 *     takes more than `maxSteps` is rejected (this also bounds nested loops and recursive macros);
 *   - ranges (`[1..n]`) with more than `maxRangeSize` elements are rejected, not truncated:
 *     silently cutting a loop short would change what the template means;
 *   - output, string concatenation and printed values stop at `maxOutputChars`;
 *   - macro calls nest at most `maxMacroDepth` deep; only macros the template defines itself
 *     exist (`#parse`, `#include`, `#evaluate` render nothing: there is nothing to include, and
 *     no way to turn data into template code).
 * `#foreach` also gains `$foreach.first` and `$foreach.last`, which velocityjs lacks.
 *
 * Everything else (syntax, `#if/#elseif/#else`, `#set`, `#macro`, `#break`, whitespace handling)
 * is velocityjs's.
 */
import { Compile, Helper, parse } from 'velocityjs';
import { TemplateError, TemplateObject, callMethod, display, readIndex, readProperty } from './sandbox.js';

export interface VelocityLimits {
  maxOutputChars: number;
  maxSteps: number;
  maxRangeSize: number;
  maxMacroDepth: number;
  maxListSize: number;
}

export const DEFAULT_VELOCITY_LIMITS: VelocityLimits = {
  maxOutputChars: 1024 * 1024,
  maxSteps: 200_000,
  maxRangeSize: 10_000,
  maxMacroDepth: 32,
  maxListSize: 100_000,
};

/** velocityjs's parse tree; the shapes below are the parts of it this engine reads. */
export type VelocityAst = ReturnType<typeof parse>;
type Node = VelocityAst[number];

interface ReferenceNode {
  type: 'references';
  id: string;
  leader: string;
}
interface MethodNode {
  type: 'method';
  id: string;
  args?: unknown[] | false;
}
type AttributeNode = MethodNode | { type: 'property'; id: string } | { type: 'index'; id: unknown };
interface ArrayNode {
  type: 'array';
  value: unknown[];
  isRange?: boolean;
}
interface ForeachNode {
  type: 'foreach';
  from: object;
  to: string;
  pos: unknown;
}
interface MacroCallNode {
  type: 'macro_call';
  id: string;
}

/** The velocityjs methods this engine calls with their real (untyped) signatures. */
interface EngineInternals {
  getMacro(this: SandboxedVelocity, ast: MacroCallNode, bodyContent?: string): string;
  getExpression(this: SandboxedVelocity, ast: unknown): unknown;
}
const base = Compile.prototype as unknown as EngineInternals;

/** Parses a template; throws velocityjs's parse error (a plain Error) when it does not parse. */
export function parseTemplate(template: string): VelocityAst {
  checkBlocks(template);
  return parse(template);
}

const BLOCK_OPENERS = new Set(['if', 'foreach', 'macro', 'define', 'noescape']);

/**
 * velocityjs accepts a block without its `#end` (it repeats the rest of the template) and stops at
 * a stray `#end` (dropping the rest), so a typo would silently change the prompt. Blocks are
 * counted here first, with comments and `#[[raw]]#` sections left out, and an unbalanced template
 * is refused with the line of the problem.
 */
function checkBlocks(template: string): void {
  const code = template
    .replace(/#\[\[[\s\S]*?\]\]#/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/#\*[\s\S]*?\*#/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/##[^\n]*/g, '');
  const open: Array<{ name: string; line: number }> = [];
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  for (const m of code.matchAll(/(?<!\\)#\{?(if|foreach|macro|define|noescape|end)\b\}?/g)) {
    const name = m[1]!;
    if (BLOCK_OPENERS.has(name)) open.push({ name, line: lineAt(m.index) });
    else if (!open.pop()) throw new TemplateError(`#end on line ${lineAt(m.index)} closes no block`);
  }
  const unclosed = open.pop();
  if (unclosed) throw new TemplateError(`#${unclosed.name} on line ${unclosed.line} has no #end`);
}

/** Renders a parsed template against `scope`. Throws TemplateError when a limit is hit. */
export function renderVelocity(
  ast: VelocityAst,
  scope: Record<string, unknown>,
  limits: VelocityLimits = DEFAULT_VELOCITY_LIMITS,
): string {
  return new SandboxedVelocity(ast, limits).render(scope);
}

/** `$foreach` inside a loop: Velocity's ForeachScope (0-based index, 1-based count). */
class LoopStatus extends TemplateObject {
  readonly #methods;

  constructor(index: number, size: number) {
    super();
    const status = {
      index,
      count: index + 1,
      hasNext: index + 1 < size,
      first: index === 0,
      last: index + 1 === size,
    };
    this.#methods = {
      getIndex: () => status.index,
      getCount: () => status.count,
      hasNext: () => status.hasNext,
      getHasNext: () => status.hasNext,
      isFirst: () => status.first,
      getFirst: () => status.first,
      isLast: () => status.last,
      getLast: () => status.last,
    };
  }

  protected methods() {
    return this.#methods;
  }

  toString(): string {
    return '$foreach';
  }
}

let loopIds = 0;

class SandboxedVelocity extends Compile {
  #steps = 0;
  #macroDepth = 0;
  readonly #limits: VelocityLimits;

  constructor(ast: VelocityAst, limits: VelocityLimits) {
    super(ast, {});
    this.#limits = limits;
  }

  #tick(cost = 1): void {
    this.#steps += cost;
    if (this.#steps > this.#limits.maxSteps) {
      throw new TemplateError(`the template does too much work (more than ${this.#limits.maxSteps} steps)`);
    }
  }

  #checkLength(length: number): void {
    if (length > this.#limits.maxOutputChars) {
      throw new TemplateError(`the rendered prompt would be longer than ${this.#limits.maxOutputChars} characters`);
    }
  }

  /** velocityjs's renderAstList, with a step per node, output capped as it grows, and #break
   *  stopping the current block at once (velocityjs would finish it). */
  override renderAstList(asts?: VelocityAst, contextId?: string): string {
    const list = asts ?? this.asts;
    if (contextId) {
      if (contextId !== this.contextId && !this.conditions.includes(contextId)) this.conditions.unshift(contextId);
      this.contextId = contextId;
    } else {
      this.contextId = '';
    }
    let out = '';
    for (const node of list) {
      if (this.runState.stop || this.runState.break) break;
      this.#tick();
      out += this.#renderNode(node);
      this.#checkLength(out.length);
    }
    return out;
  }

  #renderNode(node: Node | string): string {
    if (typeof node === 'string') return node;
    switch (node.type as string) {
      case 'references': {
        const ref = node as unknown as ReferenceNode;
        // isVal: an unknown reference prints as its own text ("$foo"), as in Velocity.
        const value: unknown = this.getReferences(node, true);
        // A null value prints as the reference's own text, as in Velocity ($!ref: nothing).
        if (value === null) return ref.leader === '$!' ? '' : Helper.getRefText(node as never);
        if (value === undefined) return '';
        return display(value, this.#limits.maxOutputChars);
      }
      case 'set':
        this.setValue(node as never);
        return '';
      case 'break':
        this.runState.break = true;
        return '';
      case 'macro_call':
        return this.getMacro(node);
      case 'comment':
        return '';
      case 'raw':
        return String((node as { value: unknown }).value);
      default:
        return this.getBlock(node as never);
    }
  }

  protected override getExpression(ast: Node): string {
    const value = base.getExpression.call(this, ast);
    if (typeof value === 'string') this.#checkLength(value.length);
    return value as string;
  }

  protected override getMacro(ast: Node, bodyContent?: string): string {
    const call = ast as unknown as MacroCallNode;
    if (call.id === 'stop') {
      this.runState.stop = true;
      return '';
    }
    if (!Object.hasOwn(this.macrosStore, call.id)) return '';
    if (this.#macroDepth >= this.#limits.maxMacroDepth) {
      throw new TemplateError(`macros nest more than ${this.#limits.maxMacroDepth} deep`);
    }
    this.#macroDepth++;
    try {
      return base.getMacro.call(this, call, bodyContent);
    } finally {
      this.#macroDepth--;
    }
  }

  // The methods below replace velocityjs methods that its type declarations do not list on
  // Compile (they are mixed in at runtime), hence no `override`.

  /** `$a.b`, `$a.b()`, `$a[i]` after the first name. */
  getAttributes(property: AttributeNode, baseRef: unknown, ast: Node): unknown {
    if (baseRef === null || baseRef === undefined) return undefined;
    if (property.type === 'method') return this.getPropMethod(property, baseRef, ast);
    if (property.type === 'property') return readProperty(baseRef, property.id);
    return this.getPropIndex(property, baseRef);
  }

  getPropIndex(property: { id: unknown }, baseRef: unknown): unknown {
    return readIndex(baseRef, this.getLiteral(property.id as Node));
  }

  getPropMethod(property: MethodNode, baseRef: unknown, _ast: Node): unknown {
    // `$name()` at the top level arrives here with the scope itself: there are no functions in scope.
    if (baseRef === this.context) return undefined;
    const args = (property.args || []).map((arg) => this.getLiteral(arg as Node) as unknown);
    const result = callMethod(baseRef, property.id, args, {
      maxStringChars: this.#limits.maxOutputChars,
      maxListSize: this.#limits.maxListSize,
    });
    // Methods that build lists or strings cost in proportion to what they build.
    if (Array.isArray(result)) this.#tick(result.length);
    else if (typeof result === 'string') this.#tick(result.length >> 6);
    return result;
  }

  /** `[a, b]` and `[from..to]` literals. */
  getArray(literal: ArrayNode): unknown[] {
    if (!literal.isRange) return literal.value.map((item) => this.getLiteral(item as Node) as unknown);
    const [from, to] = literal.value.map((bound) =>
      Number(typeof bound === 'string' || typeof bound === 'number' ? bound : this.getReferences(bound as Node)),
    );
    if (!Number.isInteger(from) || !Number.isInteger(to)) return [];
    const size = Math.abs(to! - from!) + 1;
    if (size > this.#limits.maxRangeSize) {
      throw new TemplateError(
        `the range [${from}..${to}] has ${size} elements; at most ${this.#limits.maxRangeSize} are allowed`,
      );
    }
    this.#tick(size);
    const step = from! <= to! ? 1 : -1;
    return Array.from({ length: size }, (_, i) => from! + i * step);
  }

  /** `#foreach`: over a snapshot of a list (or a map's values), with a step per iteration. */
  getBlockEach(block: VelocityAst): string {
    const head = block[0] as unknown as ForeachNode;
    const source: unknown = this.getLiteral({ ...head.from, pos: head.pos } as unknown as Node);
    const items = Array.isArray(source)
      ? [...source]
      : source !== null && typeof source === 'object' && !(source instanceof TemplateObject)
        ? Object.values(source)
        : [];
    if (items.length === 0) return '';
    const body = block.slice(1);
    const contextId = `foreach:sandbox:${loopIds++}`;
    const local: Record<string, unknown> = {};
    let out = '';
    for (const [i, item] of items.entries()) {
      if (this.runState.break || this.runState.stop) break;
      this.#tick();
      local[head.to] = item;
      local.foreach = new LoopStatus(i, items.length);
      local.velocityCount = i + 1;
      this.local[contextId] = local;
      out += this.renderAstList(body, contextId);
      this.#checkLength(out.length);
    }
    // Leave the loop's scope, as velocityjs does.
    this.runState.break = false;
    this.local[contextId] = {};
    if (this.conditions[0] === contextId) this.conditions.shift();
    this.contextId = this.conditions[0] ?? '';
    return out;
  }
}
