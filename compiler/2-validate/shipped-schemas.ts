import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PrecompiledSchemas, type PrecompiledModule } from './precompiled-schemas.ts';
import type { Schemas } from './schema-ids.ts';

/**
 * The validators of the schemas shipped with Herald. The built CLI loads the ones `npm run build`
 * compiled into standalone code beside this module (ajv compiling every schema took most of a
 * `herald validate` start); run from the TypeScript sources, where there is no such file, ajv
 * compiles the same schemas at run time. Both give the same diagnostics (test/validate/precompiled.test.ts).
 */
const PRECOMPILED = fileURLToPath(new URL('./precompiled-schemas.cjs', import.meta.url));

function loadPrecompiled(): Schemas | undefined {
  if (!existsSync(PRECOMPILED)) return undefined;
  return new PrecompiledSchemas(createRequire(import.meta.url)(PRECOMPILED) as PrecompiledModule);
}

// Loaded only where nothing was precompiled, so the built CLI never loads ajv to validate.
const precompiled = loadPrecompiled();
const live = precompiled ? undefined : await import('./schema-registry.ts');
let registry: Schemas | undefined = precompiled;

/** The shipped schemas, loaded once per process. */
export function shippedSchemas(): Schemas {
  registry ??= new live!.SchemaRegistry();
  return registry;
}
