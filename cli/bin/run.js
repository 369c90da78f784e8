#!/usr/bin/env node
// Entry point of the `perf` CLI. Commands are compiled to dist/ and loaded lazily via the manifest.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
