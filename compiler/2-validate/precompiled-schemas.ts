import { indexPointers, type Schemas, type Validator } from './schema-ids.ts';

/**
 * The module `npm run build` writes (dist/compiler/2-validate/precompiled-schemas.cjs, from
 * precompile.ts): one export per schema id or `id#/pointer` holding ajv's standalone validator,
 * plus the schema objects those validators hand back in errors and the files that failed to compile.
 */
export interface PrecompiledModule {
  /** `[id#/pointer, schema part]`: the parts the validators reference in their errors. */
  __parts: Array<[string, unknown]>;
  /** Schema files that could not be read or compiled, by id: the message the live registry gives. */
  __broken: Record<string, string>;
  [ref: string]: unknown;
}

/**
 * The shipped schemas as validators compiled at build time: the same checks and the same error
 * objects as `SchemaRegistry`, without loading ajv or compiling anything when a command starts.
 */
export class PrecompiledSchemas implements Schemas {
  private readonly pointers = new WeakMap<object, string>();

  constructor(private readonly module: PrecompiledModule) {
    for (const [pointer, part] of module.__parts) indexPointers(part, pointer, this.pointers);
  }

  validator(ref: string): Validator | Error {
    const broken = this.module.__broken[ref.split('#')[0]!];
    if (broken !== undefined) return new Error(broken);
    const v = Object.hasOwn(this.module, ref) && !ref.startsWith('__') ? this.module[ref] : undefined;
    return typeof v === 'function' ? (v as Validator) : new Error(`no schema ${ref}`);
  }

  pointerOf(schemaPart: unknown): string | undefined {
    return typeof schemaPart === 'object' && schemaPart !== null ? this.pointers.get(schemaPart) : undefined;
  }
}
