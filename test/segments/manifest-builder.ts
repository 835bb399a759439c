import { parseRule } from '../../compiler/dsl/parse.ts';
import { compileSegmentQuery, compileTraitQuery, traitOutputs } from '../../compiler/sql/index.ts';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import type { CompiledSegment, CompiledTrait, TraitPlan } from '../../compiler/contract/compiled-sql.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { DefinitionKey, Manifest, ManifestDefinition } from '../../compiler/contract/manifest.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import { typeOf } from '../../compiler/sql/types.ts';
import type { Database } from '../../runtime/db/database.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { traitTableSpecs } from '../../runtime/manifest.ts';
import type { DialectContext } from '../support/postgres.ts';

/**
 * A manifest built from rule text with the real parser and SQL backend, without the rest of the
 * compiler: enough for runtime tests (materialize, explain) to run genuine compiled queries.
 * Traits are given as plans (an expression as rule text, or `rfm`), in dependency order.
 */
export interface ManifestInput {
  dataModel: DataModel;
  traits?: Array<{ name: string; computed?: string; rfm?: { event: string; amount: string; windowDays: number } }>;
  segments: Record<string, string>;
}

export function rule(text: string): Expr {
  const parsed = parseRule(text);
  if (!parsed.ok) throw new Error(`bad rule in test: ${text}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return parsed.ast;
}

export function buildManifest(input: ManifestInput): Manifest {
  const schema: RuleSchema = { dataModel: input.dataModel, traits: {} };
  const definitions: Record<DefinitionKey, ManifestDefinition> = {};
  const order: DefinitionKey[] = [];
  for (const t of input.traits ?? []) {
    const plan: TraitPlan = t.rfm
      ? { kind: 'rfm', name: t.name, event: t.rfm.event, amount: t.rfm.amount, windowMs: t.rfm.windowDays * 86_400_000 }
      : computedPlan(t.name, rule(t.computed!), schema);
    const outputs = traitOutputs(plan, schema);
    schema.traits[t.name] = outputs;
    const compiled: CompiledTrait = {
      sql: { sqlite: compileTraitQuery(plan, 'sqlite', { schema }), postgres: compileTraitQuery(plan, 'postgres', { schema }) },
      table: `trait_${t.name}`,
      outputs,
      plan,
      dependencies: [],
    };
    const key = `Trait/${t.name}` as DefinitionKey;
    definitions[key] = definition('Trait', t.name, compiled);
    order.push(key);
  }
  const asts = Object.fromEntries(Object.entries(input.segments).map(([name, text]) => [name, rule(text)]));
  const options = { schema, segmentRule: (name: string) => asts[name] };
  for (const [name, ast] of Object.entries(asts)) {
    const compiled: CompiledSegment = {
      sql: { sqlite: compileSegmentQuery(ast, 'sqlite', options), postgres: compileSegmentQuery(ast, 'postgres', options) },
      ast,
      dependencies: [],
    };
    const key = `Segment/${name}` as DefinitionKey;
    definitions[key] = definition('Segment', name, compiled);
    order.push(key);
  }
  return {
    metadata: { herald_version: '0.0.0', manifest_version: 1, workspace: 'test', generated_from: 'sha256:0' },
    dataModel: input.dataModel,
    definitions,
    graph: { order, edges: [] },
    files: {},
  };
}

function definition(kind: 'Trait' | 'Segment', name: string, compiled: unknown): ManifestDefinition {
  return {
    kind,
    name,
    apiVersion: 'herald/v1',
    metadata: { name },
    spec: {},
    hash: 'sha256:0',
    file: `${name}.yaml`,
    dependsOn: [],
    dependents: [],
    compiled,
  };
}

function computedPlan(name: string, expression: Expr, schema: RuleSchema): TraitPlan {
  return { kind: 'expression', name, expression, type: typeOf(expression, { kind: 'customer' }, schema) };
}

/** A fresh database of the dialect, migrated, with the manifest's customer, event and trait tables. */
export async function schemaFor(ctx: DialectContext, manifest: Manifest): Promise<Database> {
  const db = await ctx.fresh();
  await migrate(db);
  await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
  return db;
}
