#!/usr/bin/env node
import { main } from '../dist/commands/consumer-perf-test/index.js';

process.exitCode = await main(process.argv.slice(2));
