export { TraceHeaderSchema, traceHeader, headerIdentity, type TraceHeader } from './format.js';
export { readTrace, type ReadResult, type TraceLine } from './read.js';
export { writeTrace } from './write.js';
export { replay, type ReplayResult, type ReplayStep, type FinalCheck } from './replay.js';
