/**
 * Puts the server's words where they belong: next to the form field they name (validation details such as
 * `body.context: …`, or a description that starts with the field, like `context "x" is invalid: …`), and
 * anything else above the form.
 */
import { ApiError, messageOf } from '../../shared/api';

/** Server field path (without list indexes) → the form's field. */
export type FieldMap = Record<string, string>;

function formFieldOf(serverPath: string, fields: FieldMap): string | undefined {
  const parts = serverPath.replace(/\[\d+\]/g, '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const field = fields[parts.slice(0, n).join('.')];
    if (field) return field;
  }
  return undefined;
}

/** Sets the field errors it can; returns the message for above the form, or undefined when all were placed. */
export function placeServerError(
  err: unknown,
  setFieldError: (field: string, message: string) => void,
  fields: FieldMap,
): string | undefined {
  if (!(err instanceof ApiError)) return messageOf(err);
  const details = Object.entries(err.fieldErrors);
  let placedAll = details.length > 0;
  for (const [path, message] of details) {
    const field = formFieldOf(path, fields);
    if (field) setFieldError(field, message);
    else placedAll = false;
  }
  if (placedAll) return undefined;
  const leading = /^([A-Za-z][\w.[\]]*)(?::|\s)/.exec(err.message)?.[1];
  const field = leading ? formFieldOf(leading, fields) : undefined;
  if (field && details.length === 0) {
    setFieldError(field, err.message);
    return undefined;
  }
  return err.message;
}
