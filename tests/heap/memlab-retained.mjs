// Prints memlab's retained size of every node id given, as JSON {"id": bytes}:
// node memlab-retained.mjs SNAPSHOT ID... (memlab's getFullHeapFromFile: the independent
// computation tests/heap compares `scopelens heap` with).
import { getFullHeapFromFile } from '@memlab/heap-analysis';

const [file, ...ids] = process.argv.slice(2);
const heap = await getFullHeapFromFile(file);
const out = {};
for (const id of ids) {
  const node = heap.getNodeById(Number(id));
  out[id] = node ? node.retainedSize : null;
}
process.stdout.write(JSON.stringify(out) + '\n');
