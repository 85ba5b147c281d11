// What the Node scripts that run scopelens over real packages share (tests/fidelity,
// tests/rename/packages.mjs): line starts for LSP positions, and a deterministic sample.

/** The offset each line starts at (LF, CRLF and lone CR end a line, as LSP counts them). */
export function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) continue;
    if (c === 10 || c === 13) starts.push(i + 1);
  }
  return starts;
}

/** Shuffles `list` in place with a seeded generator (mulberry32): the same seed, the same sample. */
export function shuffle(list, s) {
  let a = s >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}
