import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { describeTokenType, Null, RParen, RBracket } from './tokens.ts';

/**
 * Parser error messages in the user's terms: "expected an expression after `and`" rather than a
 * list of token names. Each message is JSON `{message, help}` so the help line survives the trip
 * through Chevrotain's exceptions; parseRule() unpacks it.
 */
export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (ruleName === 'callArgs' && previous.image === '(' && expected === RParen) {
      return pack(
        `expected an argument or \`)\` after \`(\`, found ${describeToken(actual)}`,
        'e.g. lower(country), count(purchase within 30d)',
      );
    }
    let help: string | undefined;
    if (expected === Null)
      return pack(
        `expected \`null\` or \`not null\` after \`is\`, found ${describeToken(actual)}`,
        'test for a missing value with `x is null` / `x is not null`',
      );
    if (expected === RParen) help = 'every `(` needs a matching `)`';
    else if (expected === RBracket) help = 'a list is written [a, b, c]';
    return pack(`expected ${describeTokenType(expected)} ${after(previous)}, found ${describeToken(actual)}`, help);
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    if (COMPARISON_WORDS.has(firstRedundant.image)) {
      return pack(
        `unexpected ${describeToken(firstRedundant)}: comparisons do not chain`,
        'compare twice and join with `and`: a < b and b < c (or use `between`)',
      );
    }
    if (firstRedundant.tokenType === RParen) {
      return pack('unexpected `)`: there is no `(` to close', 'remove it, or add the missing `(`');
    }
    return pack(
      `unexpected ${describeToken(firstRedundant)}: expected an operator or the end of the rule`,
      'join conditions with `and` / `or`; quote a string with spaces in "double quotes"',
    );
  },

  buildNoViableAltMessage({ actual, previous, ruleName, expectedPathsPerAlt }) {
    const found = actual[0]!;
    switch (ruleName) {
      case 'window':
        return pack(
          `expected a duration, \`next\` or \`since_entry\` after \`within\`, found ${describeToken(found)}`,
          'e.g. `within 30d`, `within next 90d` (model labels), `within since_entry` (journeys)',
        );
      case 'name':
        if (previous.image === '(')
          return pack(
            `expected an event type after \`(\`, found ${describeToken(found)}`,
            'aggregates take an event type, e.g. count(purchase within 30d)',
          );
        return pack(
          `expected a name ${after(previous)}, found ${describeToken(found)}`,
          'quote a name with spaces or a reserved word in backticks: `next`',
        );
      case 'comparison':
        if (previous.image === 'not')
          return pack(
            `expected \`in\` or \`between\` after \`not\`, found ${describeToken(found)}`,
            'to negate a condition write `not` before it: not (a = b)',
          );
        if (previous.image === 'is') return pack(`expected \`null\` or \`not null\` after \`is\`, found ${describeToken(found)}`);
        return pack(`expected a comparison ${after(previous)}, found ${describeToken(found)}`);
      case 'callOrPath':
        return pack(`expected \`(\`, \`.\` or an operator ${after(previous)}, found ${describeToken(found)}`);
      default: {
        if (found.tokenType === EOF) return pack(`expected an expression ${after(previous)}`, 'the rule ends too early');
        const alternatives = expectedPathsPerAlt
          .flat()
          .map((path) => path[0])
          .filter((t): t is TokenType => t !== undefined);
        void alternatives;
        return pack(`expected an expression ${after(previous)}, found ${describeToken(found)}`);
      }
    }
  },

  buildEarlyExitMessage({ actual, previous }) {
    return pack(`expected more ${after(previous)}, found ${describeToken(actual[0]!)}`);
  },
};

const COMPARISON_WORDS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=', 'in', 'between', 'is', 'starts', 'contains']);

function pack(message: string, help?: string): string {
  return JSON.stringify(help === undefined ? { message } : { message, help });
}

export function unpack(text: string): { message: string; help?: string } {
  try {
    return JSON.parse(text) as { message: string; help?: string };
  } catch {
    return { message: text };
  }
}

function after(previous: IToken | undefined): string {
  if (previous === undefined || previous.tokenType === EOF || Number.isNaN(previous.startOffset) || previous.image === '')
    return 'at the start of the rule';
  return `after ${describeToken(previous)}`;
}

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the rule';
  const image = token.image.length > 24 ? token.image.slice(0, 21) + '...' : token.image;
  return image.includes('`') ? `'${image}'` : '`' + image + '`';
}
