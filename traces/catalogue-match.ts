/**
 * Which catalogue entries (model/catalogue.ts) a violation found in a pop.log matches: the
 * entries of the violated invariant that affect the release, narrowed by what the lines show
 * when an entry has a signature in pop.log (#8835: a flushed AckMsg without brokerName, then
 * the retry of an acked offset; 8835-batch: the same with a BatchAckMsg; I-2: a store-path ack
 * with a "put ack msg error" line in its second).
 */
import { CK_CATALOGUE as CATALOGUE } from '../model/catalogue.js';
import type { CkResult } from './validate.js';

/** Entries with a pop.log signature: the evidence each needs. */
const SIGNATURES: Readonly<Record<string, string>> = {
  '8835': 'bufferAckWithoutBrokerName',
  '8835-batch': 'bufferBatchAckWithoutBrokerName',
  'I-2': 'ackPutFailedNear',
};

/** What each evidence pattern (CkResult.evidence's `what`) means, in words. */
export const EVIDENCE_TEXT: Readonly<Record<string, string>> = {
  bufferAckWithoutBrokerName: 'the buffer flushed an AckMsg without brokerName (put ack to store ok ... brokerName=null)',
  bufferBatchAckWithoutBrokerName: 'the buffer flushed a BatchAckMsg without brokerName (put batch ack to store ok ... brokerName=null)',
  ackPutFailedNear: 'an ack went to the store path and a "put ack msg error" line is in the same second: its AckMsg may not have been written, while the client was told SUCCESS',
};

/** The catalogue entries whose pop.log signature is the evidence pattern `what`. */
export function entriesSignedBy(what: string): string[] {
  return Object.entries(SIGNATURES)
    .filter(([, w]) => w === what)
    .map(([id]) => id);
}

export function findCatalogueMatches(release: string, ck: CkResult): string[] {
  if (ck.violations.length === 0) return [];
  const broken = new Set(ck.violations.map((v) => v.invariant));
  const seen = new Set(ck.evidence.map((e) => e.what));
  const affects = (e: (typeof CATALOGUE)[number]): boolean => (e.affected as readonly string[]).includes(release);
  const candidates = CATALOGUE.filter((e) => broken.has(e.invariant) && affects(e));
  // An entry whose pattern the lines show matches even before its own invariant fails (the first sign).
  const signed = CATALOGUE.filter((e) => affects(e) && SIGNATURES[e.id] !== undefined && seen.has(SIGNATURES[e.id]));
  if (signed.length > 0) return signed.map((e) => e.id);
  return candidates.filter((e) => SIGNATURES[e.id] === undefined).map((e) => e.id);
}
