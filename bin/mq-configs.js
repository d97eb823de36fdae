#!/usr/bin/env node
import { main } from '../dist/commands/configs/index.js';

process.exitCode = await main(process.argv.slice(2));
