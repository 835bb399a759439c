import { suggest } from '../../diagnostics/suggest.ts';
import { childrenOf, type NjNode } from './nunjucks-ast.ts';
import { placeholdersOf } from './translations.ts';
import type { TemplateTranslations } from '../../contract/template.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/**
 * Checks a template's `t('key', name=value)` calls against its message catalogues: the key is a
 * string literal that the template's own language has (HL345), and every placeholder of the
 * message is passed (HL347). Languages other than the template's own are checked against it when
 * the catalogues load (translations.ts).
 */
export interface TranslationCallProblem {
  code: 'HL345' | 'HL347';
  message: string;
  node: NjNode;
  length: number;
  help?: string;
}

export function checkTranslationCalls(ast: NjNode, translations: TemplateTranslations | undefined): TranslationCallProblem[] {
  const problems: TranslationCallProblem[] = [];
  const base = translations?.messages[translations.default];
  const visit = (node: NjNode) => {
    if (node.typename === 'FunCall') {
      const name = node.name as NjNode;
      if (name.typename === 'Symbol' && name.value === 't') check(node, name);
    }
    for (const child of childrenOf(node)) visit(child);
  };
  const check = (call: NjNode, name: NjNode) => {
    const args = childrenOf(call.args as NjNode);
    const key = args[0];
    if (!key || key.typename !== 'Literal' || typeof key.value !== 'string') {
      problems.push({
        code: 'HL345',
        message: messageOf('HL345', { form: 'takes-the-message' }),
        node: name,
        length: 1,
        help: "e.g. {{ t('cart.heading') }}",
      });
      return;
    }
    if (!translations || !base) {
      problems.push({
        code: 'HL345',
        message: messageOf('HL345', { form: 'template-without-translations', value: key.value }),
        node: key,
        length: key.value.length + 2,
        help: 'set spec.translations to a folder of <language>.yaml catalogues',
      });
      return;
    }
    const message = base[key.value];
    if (message === undefined) {
      const close = suggest(key.value, Object.keys(base));
      problems.push({
        code: 'HL345',
        message: messageOf('HL345', { form: 'message', value: key.value, default: translations.default }),
        node: key,
        length: key.value.length + 2,
        help: close ? `did you mean "${close}"?` : `add it to the ${translations.default} catalogue`,
      });
      return;
    }
    const passed = new Set<string>();
    for (const arg of args)
      if (arg.typename === 'KeywordArgs') for (const pair of childrenOf(arg)) passed.add(String((pair.key as NjNode).value));
    // Translations are held to the default message's placeholders when they load (translations.ts).
    for (const p of placeholdersOf(message)) {
      if (!passed.has(p))
        problems.push({
          code: 'HL347',
          message: messageOf('HL347', { form: 'needs-which-this', value: key.value, p }),
          node: key,
          length: key.value.length + 2,
          help: `pass it: t('${key.value}', ${p}=…)`,
        });
    }
  };
  visit(ast);
  return problems;
}
