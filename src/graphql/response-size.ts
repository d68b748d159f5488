/**
 * The response-size cap: a request whose answer would carry more than `maxBytes` bytes of strings
 * (document texts, exports, names...) gets one RESPONSE_TOO_LARGE error instead of its data.
 *
 * The cost limit bounds how many objects a request touches, not how big they are: three aliased
 * exports of 1M-character documents are cheap to ask for and tens of megabytes to build and send.
 * Bytes are counted as fields resolve (UTF-8 length of every string result, and of the strings of
 * list results); once past the cap, every further field fails at once, so the server stops building
 * the response instead of finishing it and throwing it away. Numbers, booleans and JSON punctuation
 * are not counted: the cost limit bounds how many of them a response holds.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { VanerError } from '../errors.js';

/** @defaultValue for VANER_MAX_RESPONSE_BYTES: 16 MiB (a 1M-character document exported in any format fits). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function stringBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) if (typeof item === 'string') total += Buffer.byteLength(item, 'utf8');
    return total;
  }
  return 0;
}

function tooLarge(bytes: number, maxBytes: number): VanerError {
  return new VanerError('RESPONSE_TOO_LARGE', `the response exceeds ${maxBytes} bytes; ask for fewer or smaller fields (smaller pages, fewer aliases)`, {
    details: { limit: 'responseBytes', value: bytes, max: maxBytes },
  });
}

/** The Apollo plugin enforcing the cap (see the module comment). */
export function responseSizePlugin<TContext extends object>(maxBytes: number): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let bytes = 0;
      let exceeded = false;
      return {
        async executionDidStart() {
          return {
            willResolveField() {
              // Thrown here, the error becomes this field's error: nothing more is resolved.
              if (exceeded) throw tooLarge(bytes, maxBytes);
              return (error, result) => {
                if (error) return;
                bytes += stringBytes(result);
                if (bytes > maxBytes) exceeded = true;
              };
            },
          };
        },
        async willSendResponse({ response }) {
          if (!exceeded || response.body.kind !== 'single') return;
          const error = tooLarge(bytes, maxBytes);
          response.body.singleResult = {
            data: null,
            errors: [{ message: error.message, extensions: { code: error.code, details: error.details } }],
          };
        },
      };
    },
  };
}
