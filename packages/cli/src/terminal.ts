/** Longest message printed whole; a binary file's cell or a hostile value can be megabytes. */
const MAX_MESSAGE = 2000;

/*
 * C0 controls but tab and newline, DEL, C1 controls, the replacement character left by invalid UTF-8, lone
 * surrogates, and the bidirectional overrides that can make a line read differently from what it contains.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes text safe to print on a terminal: control and invisible characters become visible escapes (`\x1b`,
 * `\ufffd`), so bytes taken from a user's file (an error naming a bad CSV cell, say) can neither move the cursor,
 * recolour the screen, nor ring the bell; text past `maxLength` is cut with a note of how much was left out.
 */
export function terminalSafe(text: string, maxLength = MAX_MESSAGE): string {
  const escaped = text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.length <= maxLength ? escaped : `${escaped.slice(0, maxLength)}... (${escaped.length - maxLength} more characters)`;
}
