#!/usr/bin/env node
import { main } from '../dist/commands/cluster/index.js';

process.exitCode = await main(process.argv.slice(2));
