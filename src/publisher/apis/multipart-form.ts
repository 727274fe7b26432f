/**
 * The multipart form of an upload, as @fastify/multipart's `keyValues` mode leaves it in the body: text fields
 * as strings, the one file as `{bytes, fileName}`. Busboy cuts a field at `fieldSize` without failing, so the
 * limit is set one byte above the largest allowed value: a longer value was cut, and is refused with 413.
 */
import type { FastifyRequest } from 'fastify';
import { BadRequest, PayloadTooLarge } from '../../platform/errors.js';

export interface UploadedFile {
  bytes: Buffer;
  fileName: string;
}

export class MultipartForm {
  private constructor(
    private readonly values: Record<string, unknown>,
    private readonly maxBytes: number,
  ) {}

  static of(request: FastifyRequest, maxBytes: number, expected: string): MultipartForm {
    if (!request.isMultipart()) throw new BadRequest(`Send multipart/form-data with ${expected}.`);
    return new MultipartForm((request.body ?? {}) as Record<string, unknown>, maxBytes);
  }

  /** A text field, or undefined when absent or blank. */
  text(name: string): string | undefined {
    const value = this.values[name];
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    if (Buffer.byteLength(value) > this.maxBytes) {
      throw new PayloadTooLarge(`The field "${name}" is larger than ${this.maxBytes} bytes.`);
    }
    return value;
  }

  file(name: string): UploadedFile | undefined {
    const value = this.values[name] as Partial<UploadedFile> | undefined;
    return value && Buffer.isBuffer(value.bytes) ? (value as UploadedFile) : undefined;
  }

  /** A text field or a file's text, the first of the names that is present. */
  textOrFile(names: string[]): string | undefined {
    for (const name of names) {
      const file = this.file(name);
      if (file) return file.bytes.toString('utf8');
      const text = this.text(name);
      if (text !== undefined) return text;
    }
    return undefined;
  }
}
