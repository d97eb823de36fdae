/**
 * Helpers for suite B (Kafka's own tools against the mq broker): reading the tools' tables as
 * rows of cells, independent of the column padding and of 3.9's missing final newline.
 */

/** Kafka's Uuid.toString: 22 characters of unpadded base64url. */
export const TOPIC_ID = /[A-Za-z0-9_-]{22}/;

/** Replaces every `TopicId: <id>` with `TopicId: <ID>` so describe output can be compared exactly. */
export function normaliseTopicIds(text: string): string {
  return text.replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <ID>');
}

/**
 * The rows of a consumer-groups table with columns `header` (e.g. GROUP TOPIC PARTITION ...).
 * Cells are split on runs of spaces, so no cell may contain a space. Finds the header even when
 * 3.9 glued it to the previous line, and reads rows until a line that is not a row.
 */
export function tableRows(stdout: string, header: readonly string[]): string[][] {
  const tokens = stdout.split(/\s+/).filter(Boolean);
  for (let i = 0; i + header.length <= tokens.length; i++) {
    if (header.every((h, j) => tokens[i + j] === h)) {
      const rest = tokens.slice(i + header.length);
      const rows: string[][] = [];
      for (let r = 0; r + header.length <= rest.length; r += header.length) rows.push(rest.slice(r, r + header.length));
      return rows;
    }
  }
  throw new Error(`no table with header ${header.join(' ')} in:\n${stdout}`);
}

/** Rows sorted by their cells joined (Kafka prints most tables in HashMap order). */
export function sortedRows(rows: string[][]): string[][] {
  return [...rows].sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

/** Java's `%-Ns`: left-justified, space-padded, never truncated. */
export function pad(s: string | number, n: number): string {
  return String(s).padEnd(n, ' ');
}
