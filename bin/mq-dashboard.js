#!/usr/bin/env node
import v8 from 'node:v8';

// mq-dashboard is a long-running sampler whose work per round is small (issue 11: under 200 ms of
// CPU per round, under 150 MB RSS): V8's memory-favouring heuristics (a smaller young generation,
// slower heap growth) keep its RSS about 35 MB lower at 6,000 partitions for about twice the CPU
// per round, still well under the bound (BENCHMARKS.md, "mq-dashboard"). Set before anything is
// loaded; no other tool does this.
v8.setFlagsFromString('--optimize-for-size');
const { main } = await import('../dist/commands/dashboard/index.js');

process.exitCode = await main(process.argv.slice(2));
