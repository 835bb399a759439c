/**
 * The most text one part of one email (its HTML, text or subject) may render to. Gmail clips at
 * 102 KB; an email far past that is a template looping over far more data than anyone meant to
 * send (a whole catalogue, a million-row list), and rendering it would take memory and minutes
 * per recipient. 8 MB leaves every real email well inside (a 1 MB field shown in the title and the body included).
 */
export const MAX_RENDERED_EMAIL_CHARS = 8 * 1024 * 1024;

/** Why a recipient's render stopped at the cap: the reason the send and the preview report. */
export const OUTPUT_TOO_LARGE = `email is larger than ${MAX_RENDERED_EMAIL_CHARS / (1024 * 1024)} MB: a loop renders far more than one email can hold; limit the list it loops over (e.g. | batch or a slice)`;

/**
 * Adds a size check after every append to an output buffer in nunjucks' generated code
 * (`output += …;`, and `t_N += …;` inside macros and captured blocks), so a render stops as soon
 * as it passes the cap, rather than building gigabytes and measuring them afterwards. Reading
 * a string's length is constant time, so the check costs next to nothing per append.
 */
export function capOutput(code: string): string {
  const stop = `throw new Error(${JSON.stringify(OUTPUT_TOO_LARGE)})`;
  return code.replace(
    /\b(output|t_\d+) \+= ([^\n]*);\n/g,
    (_m, buffer: string, value: string) => `${buffer} += ${value};\nif (${buffer}.length > ${MAX_RENDERED_EMAIL_CHARS}) ${stop};\n`,
  );
}
