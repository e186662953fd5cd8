import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the `wif` entry, before any other module is compiled.
 *
 * V8 "pretenures" an allocation site (allocates its objects straight in the old generation) once most of its objects
 * survive a young collection. In the long-lived server, exceljs's row and cell sites and the pg row parser were
 * pretenured during a workbook download, so every short-lived cell went to the old generation and was collected
 * only when that had grown to about four times the live heap: one download of 100,000 alerts took the server from
 * 140 MB to 320-440 MB of RSS (the same build in a fresh process: 220 MB). Without pretenuring, 223 MB, measured on
 * the same data; the public check's throughput did not change. The flag only switches off a heuristic, which is why
 * it can be set at run time; the command line (`node --no-allocation-site-pretenuring`) would do the same.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
