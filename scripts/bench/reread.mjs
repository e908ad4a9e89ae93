#!/usr/bin/env node
// CPU seconds to re-read the last flow of a capture, from its checkpoint and from the start:
//   node scripts/bench/reread.mjs <capture>
import { loadTs } from './bundle.mjs';

await loadTs('scripts/bench/reread.ts', 'reread');
