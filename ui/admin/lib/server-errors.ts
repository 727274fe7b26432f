/**
 * Puts a failed request's words where the user looks: validation details next to their fields (the form's
 * paths follow the wire shapes, so `defaultLimit.requestCount.requestCount` lands on its input), the rest
 * above the form.
 */
import { ApiError, messageOf } from '../../shared/api';

interface ErrorTarget {
  setErrors: (errors: Record<string, string>) => void;
}

/** Returns the message to show above the form. */
export function showServerError(
  form: ErrorTarget,
  err: unknown,
  fieldMap?: (field: string) => string,
): string {
  if (err instanceof ApiError) {
    const fields = err.fieldErrors;
    const mapped = Object.fromEntries(
      Object.entries(fields).map(([field, message]) => [fieldMap ? fieldMap(field) : field, message]),
    );
    if (Object.keys(mapped).length > 0) form.setErrors(mapped);
  }
  return messageOf(err);
}

/**
 * For services that name the field at the start of their message (`password must be 8 to 256 characters`):
 * puts the message on that field instead of above the form (returns undefined then).
 */
export function showPrefixedError(
  form: ErrorTarget,
  err: unknown,
  fields: readonly string[],
): string | undefined {
  const message = showServerError(form, err);
  const field = fields.find((f) => message.startsWith(`${f} `) || message.startsWith(`${f}:`));
  if (!field) return message;
  form.setErrors({ [field]: message });
  return undefined;
}
