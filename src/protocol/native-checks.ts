/**
 * Small checks the native-protocol validators are built from. Each throws a CachetError
 * naming the field, so a wrong message gets a clear, typed answer (DESIGN.md invariant 5).
 */
import { isBase64 } from '../mime/base64-form';
import { CachetError, type ErrorCode } from '../errors';

export type Json = Record<string, unknown>;

export function fail(field: string, problem: string, code: ErrorCode = 'input/invalid'): never {
  throw new CachetError(code, `${field}: ${problem}`);
}

export function object(value: unknown, field: string, code?: ErrorCode): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object', code);
  return value as Json;
}

/** Rejects fields the message does not define, so typos and smuggled data are seen. */
export function onlyKeys(value: Json, allowed: readonly string[], field: string, code?: ErrorCode): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${field}.${key}`, 'is not a known field', code);
  }
}

export function string(value: unknown, field: string, maxLength: number, code?: ErrorCode): string {
  if (typeof value !== 'string') fail(field, 'must be a string', code);
  if (value.length > maxLength) fail(field, `longer than ${maxLength} characters`, code);
  return value;
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, 'must be true or false');
  return value;
}

export function integer(value: unknown, field: string, min: number, max: number, code?: ErrorCode): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}`, code);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(field, `must be one of ${choices.join(', ')}`);
  }
  return value as T;
}


/** Standard padded base64 of at most `maxBytes` decoded bytes (and at least `minBytes`). */
export function base64(value: unknown, field: string, minBytes: number, maxBytes: number): string {
  const text = string(value, field, Math.ceil(maxBytes / 3) * 4);
  if (text.length % 4 !== 0 || !isBase64(text)) fail(field, 'must be standard padded base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = (text.length / 4) * 3 - padding;
  if (bytes < minBytes || bytes > maxBytes) fail(field, `must decode to ${minBytes} to ${maxBytes} bytes`);
  return text;
}

export function array(value: unknown, field: string, maxItems: number): readonly unknown[] {
  if (!Array.isArray(value)) fail(field, 'must be an array');
  if (value.length > maxItems) fail(field, `more than ${maxItems} items`);
  return value as readonly unknown[];
}
