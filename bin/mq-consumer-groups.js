#!/usr/bin/env node
import { main } from '../dist/commands/consumer-groups/index.js';

process.exitCode = await main(process.argv.slice(2));
