import type { KindEmitter } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import type { CompiledTest } from '../../contract/journey.ts';
import type { TestFacts } from '../../3-analyze/kinds/test.ts';

/** The compiled block of a Test: given data as stored values, the target, and the expectations. */
export const emitTest: KindEmitter = (def, ctx): CompiledTest | undefined =>
  ctx.factsOf<TestFacts>(definitionKey('Test', def.name))?.compiled;
