/**
 * Fits a Markdown document into a size limit (a GitHub comment, a job summary). The document is a list of blocks:
 * fixed ones are always shown (in their compact form when the full forms leave no room), collapsible sections as
 * space allows: whole, cut after some lines, or replaced by a one-line pointer, each marked ✂️. Lower tiers get
 * space first; within a tier each section gets an equal share of what is left, and what a small one does not use
 * goes to the larger ones.
 */

export interface Collapsible {
  tier: number;
  summary: string;
  open: boolean;
  /** The fenced code block's language; none for a Markdown table, whose `head` lines stay when it is cut. */
  fence?: string;
  head?: string[];
  lines: string[];
  /** A diagram is shown whole or not at all. */
  cuttable: boolean;
  /** What a line is, for the pointer: "lines", "resources". */
  unit: string;
}

export type Block = { fixed: string; compact?: string } | { collapsible: Collapsible };

export interface Limit {
  max: number;
  measure: (text: string) => number;
  /** The line saying that the document was shortened and where the whole one is; `listsCut`: even fixed blocks were. */
  notice: (listsCut: boolean) => string;
}

const SEPARATOR = "\n\n";
export const CUT_MARK = "✂️";

const count = (n: number) => n.toLocaleString("en-US");

/** A section with its first `kept` lines (all: whole; 0: only the pointer). */
export function renderCollapsible(c: Collapsible, kept = c.lines.length): string {
  const left = c.lines.length - kept;
  if (kept === 0) return `${CUT_MARK} ${c.summary}: ${count(c.lines.length)} ${c.unit}, in the full review.`;
  const body = [...(c.head ?? []), ...c.lines.slice(0, kept)].join("\n");
  const fenced = c.fence === undefined ? body : `\`\`\`${c.fence}\n${body}\n\`\`\``;
  const cut = left > 0 ? `\n${CUT_MARK} ${count(left)} more ${c.unit} in the full review.` : "";
  return `<details${c.open ? " open" : ""}><summary>${c.summary}</summary>\n\n${fenced}${cut}\n</details>`;
}

/** The most lines of `c` whose rendering measures at most `budget`, or 0. */
function linesWithin(c: Collapsible, budget: number, measure: (text: string) => number): number {
  // Measured with the largest count the cut line can show, so the real one is never longer.
  const fixedCost = measure(renderCollapsible({ ...c, lines: [c.lines[0]] }, 1)) - measure(c.lines[0]);
  const cutLine = measure(`\n${CUT_MARK} ${count(c.lines.length)} more ${c.unit} in the full review.`);
  let used = fixedCost + cutLine;
  let kept = 0;
  while (kept < c.lines.length && used + measure(c.lines[kept]) + (kept > 0 ? 1 : 0) <= budget) {
    used += measure(c.lines[kept]) + (kept > 0 ? 1 : 0);
    kept++;
  }
  return kept;
}

/** Text cut to its first lines that fit `budget`, then a ✂️ line (the last resort for a fixed block). */
function cutText(text: string, budget: number, measure: (text: string) => number): string {
  const lines = text.split("\n");
  const tail = (left: number) => `${CUT_MARK} ${count(left)} more lines in the full review.`;
  let used = measure(tail(lines.length)) + 1;
  let kept = 0;
  while (kept < lines.length && used + measure(lines[kept]) + 1 <= budget) used += measure(lines[kept++]) + 1;
  return [...lines.slice(0, kept), tail(lines.length - kept)].join("\n");
}

function join(parts: string[]): string {
  return parts.join(SEPARATOR);
}

/**
 * The blocks joined, within the limit: `lead` (heading lines) first, then the notice when anything was
 * shortened. Without a limit, everything whole.
 */
export function fitBlocks(lead: string[], blocks: readonly Block[], limit?: Limit): string {
  const whole = blocks.map((b) => ("fixed" in b ? b.fixed : renderCollapsible(b.collapsible)));
  if (!limit || limit.measure(join([...lead, ...whole])) <= limit.max) return join([...lead, ...whole]);
  const { measure, max } = limit;

  // The fixed blocks and every section's pointer, in full or compact form, or cut as the last resort.
  const pointers = blocks.map((b) => ("fixed" in b ? "" : renderCollapsible(b.collapsible, 0)));
  const sizeWith = (fixed: (b: { fixed: string; compact?: string }) => string, listsCut: boolean) =>
    measure(join([...lead, limit.notice(listsCut), ...blocks.map((b, i) => ("fixed" in b ? fixed(b) : pointers[i]))]));
  let fixedText = blocks.map((b) => ("fixed" in b ? b.fixed : ""));
  let listsCut = false;
  if (sizeWith((b) => b.fixed, false) > max) {
    fixedText = blocks.map((b) => ("fixed" in b ? (b.compact ?? b.fixed) : ""));
    const over = sizeWith((b) => b.compact ?? b.fixed, true) - max;
    if (over > 0) {
      // Beyond what any review can show: the largest compact blocks are cut, at least by what is over.
      listsCut = true;
      let excess = over;
      const bySize = fixedText.map((t, i) => [i, measure(t)] as const).sort((a, b) => b[1] - a[1]);
      for (const [i, size] of bySize) {
        if (excess <= 0) break;
        fixedText[i] = cutText(fixedText[i], Math.max(0, size - excess), measure);
        excess -= size - measure(fixedText[i]);
      }
    }
  }
  const parts = blocks.map((b, i) => ("fixed" in b ? fixedText[i] : pointers[i]));
  const notice = limit.notice(listsCut);
  let left = max - measure(join([...lead, notice, ...parts]));

  // Sections by tier; in a tier, smallest first, each at most an equal share of what is left.
  const sections = blocks.flatMap((b, i) => ("collapsible" in b ? [{ i, c: b.collapsible }] : []));
  for (const tier of [...new Set(sections.map((s) => s.c.tier))].sort((a, b) => a - b)) {
    const inTier = sections
      .filter((s) => s.c.tier === tier)
      .map((s) => ({ ...s, extra: measure(whole[s.i]) - measure(pointers[s.i]) }))
      .sort((a, b) => a.extra - b.extra);
    inTier.forEach((s, n) => {
      const share = Math.floor(left / (inTier.length - n));
      if (s.extra <= share) {
        parts[s.i] = whole[s.i];
      } else if (s.c.cuttable) {
        const kept = linesWithin(s.c, share + measure(pointers[s.i]), measure);
        if (kept > 0) parts[s.i] = renderCollapsible(s.c, kept);
      }
      left -= measure(parts[s.i]) - measure(pointers[s.i]);
    });
  }
  const fitted = join([...lead, notice, ...parts]);
  if (measure(fitted) > max) throw new Error(`fitBlocks: ${measure(fitted)} exceeds the limit ${max}`);
  return fitted;
}
