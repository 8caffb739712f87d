/** Entry of one measurement process: reads a MeasureRequest (JSON) from argv, prints a MeasureReport (JSON). */
import { measure, type MeasureRequest } from './measure.ts';

const request = JSON.parse(process.argv[2] ?? '{}') as MeasureRequest;
const report = await measure(request);
process.stdout.write(`${JSON.stringify(report)}\n`);
