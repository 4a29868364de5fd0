export { TraceHeaderSchema, type TraceHeader } from './format.js';
export { readTrace, type ReadResult, type TraceLine } from './read.js';
export { writeTrace } from './write.js';
export { replay, type ReplayResult, type ReplayStep } from './replay.js';
