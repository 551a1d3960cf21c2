// Terminal input crosses the API in pieces the schema takes (a paste can be any size), each cut
// between characters, never inside a surrogate pair.
import { MAX_TERMINAL_CHARS } from './api';

export function inputPieces(data: string, max = MAX_TERMINAL_CHARS): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < data.length;) {
    let end = Math.min(i + max, data.length);
    // Never end on a high surrogate whose low half would start the next piece.
    if (end < data.length && /[\uD800-\uDBFF]/.test(data[end - 1]!)) end--;
    pieces.push(data.slice(i, end));
    i = end;
  }
  return pieces;
}
