import type { LoadedDocument } from '../1-load/parse-file.ts';
import type { EmitContext, KindEmitter } from '../4-emit/context.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey, Kind } from '../contract/definition.ts';
import { deepEqual } from './deep-equal.ts';
import { keyOf, makeWorld, readsStillHold, RecordedDefinitions, Recorder, type Reads, type World } from './recorder.ts';
import type { BuildStats } from './stats.ts';

type EmitEffect = { report: Diagnostic } | { write: { path: string; content: string } };

interface EmitRecord {
  emitter: KindEmitter;
  reads: Reads;
  effects: EmitEffect[];
  compiled: unknown;
}

export type EmitCache = WeakMap<LoadedDocument, EmitRecord>;

/**
 * The kind emitters, each wrapped like the analyzers (analyze-memo.ts): an unchanged document whose
 * reads (its facts above all, which a reused analysis hands out as the very same object) still
 * hold gets its compiled block back, and its build files and diagnostics replayed.
 */
export function memoizedEmitters(
  emitters: Partial<Record<Kind, KindEmitter>>,
  cache: EmitCache,
  stats: BuildStats,
): Partial<Record<Kind, KindEmitter>> {
  const worlds = new WeakMap<EmitContext, World>();
  const worldOf = (ctx: EmitContext) => {
    let world = worlds.get(ctx);
    if (!world) {
      world = makeWorld({ definitions: ctx.definitions, factsOf: ctx.factsOf, dataModel: ctx.dataModel });
      worlds.set(ctx, world);
    }
    return world;
  };
  const out: Partial<Record<Kind, KindEmitter>> = {};
  for (const [kind, emitter] of Object.entries(emitters) as Array<[Kind, KindEmitter]>) {
    out[kind] = (def, ctx) => {
      const world = worldOf(ctx);
      const earlier = cache.get(def.doc);
      if (earlier && earlier.emitter === emitter && readsStillHold(earlier.reads, world)) {
        for (const effect of earlier.effects) {
          if ('report' in effect) ctx.report(effect.report);
          else ctx.writeFile(effect.write.path, effect.write.content);
        }
        stats.emitted.reused++;
        return earlier.compiled;
      }
      const recorder = new Recorder(world);
      const effects: EmitEffect[] = [];
      const fresh = emitter(def, recordingContext(ctx, recorder, effects));
      recorder.close(fresh);
      const compiled = earlier && earlier.emitter === emitter && deepEqual(earlier.compiled, fresh) ? earlier.compiled : fresh;
      cache.set(def.doc, { emitter, reads: recorder.reads, effects, compiled });
      stats.emitted.ran++;
      const key = keyOf(def);
      if (!stats.recompiled.includes(key)) stats.recompiled.push(key);
      return compiled;
    };
  }
  return out;
}

function recordingContext(ctx: EmitContext, recorder: Recorder, effects: EmitEffect[]): EmitContext {
  return {
    get dataModel() {
      recorder.dataModel();
      return ctx.dataModel;
    },
    definitions: new RecordedDefinitions(ctx.definitions, recorder),
    factsOf<T>(key: DefinitionKey) {
      const facts = ctx.factsOf<T>(key);
      recorder.facts(key, facts);
      return facts;
    },
    report(diagnostic) {
      effects.push({ report: diagnostic });
      ctx.report(diagnostic);
    },
    writeFile(path, content) {
      effects.push({ write: { path, content } });
      ctx.writeFile(path, content);
    },
  };
}
