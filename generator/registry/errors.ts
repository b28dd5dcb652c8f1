/**
 * Confluent Schema Registry error codes as data. The HTTP status is the first three digits of the
 * code, except for the codes that are bare HTTP statuses (404 unknown path, 409 incompatible);
 * clients key on both, so they must be exact.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 40301,
  NOT_FOUND: 404,
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_CONFIG_NOT_FOUND: 40408,
  SUBJECT_MODE_NOT_FOUND: 40409,
  NOT_ACCEPTABLE: 406,
  /** Confluent ≤ 8.1 answers incompatible registrations with the bare status as the code. */
  INCOMPATIBLE_SCHEMA: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  ID_DOES_NOT_MATCH: 42207,
  INVALID_SUBJECT: 42208,
  SCHEMA_TOO_LARGE: 42209,
  INVALID_RULE_SET: 42210,
  /** Request body that is not JSON or not the expected shape; Confluent answers 422 with the bare status. */
  UNPROCESSABLE_ENTITY: 422,
  STORE_ERROR: 50001,
  OPERATION_TIMEOUT: 50002,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorName = keyof typeof ERROR_CODES;
export type ErrorCode = (typeof ERROR_CODES)[ErrorName];

/** HTTP status for a Confluent error code. */
export function httpStatusOf(errorCode: number): number {
  return errorCode >= 1000 ? Math.floor(errorCode / 100) : errorCode;
}

/** Confluent's error body: both fields are required for the Confluent JS client to expose `errorCode`. */
export interface ErrorBody {
  error_code: number;
  message: string;
}

/** A registry failure that crosses the HTTP boundary as `{error_code, message}` with the matching status. */
export class RegistryError extends Error {
  readonly errorCode: number;
  readonly status: number;

  constructor(errorCode: number, message: string) {
    super(message);
    this.name = 'RegistryError';
    this.errorCode = errorCode;
    this.status = httpStatusOf(errorCode);
  }

  toBody(): ErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** Messages worded as Confluent words them, since users search for them. */
export const errors = {
  subjectNotFound: (subject: string) => new RegistryError(ERROR_CODES.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`),
  versionNotFound: (version: number | string) => new RegistryError(ERROR_CODES.VERSION_NOT_FOUND, `Version ${version} not found.`),
  schemaNotFound: (id?: number) =>
    new RegistryError(ERROR_CODES.SCHEMA_NOT_FOUND, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(
      ERROR_CODES.SUBJECT_SOFT_DELETED,
      `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
    ),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(
      ERROR_CODES.SUBJECT_NOT_SOFT_DELETED,
      `Subject '${subject}' was not deleted first before being permanently deleted`,
    ),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      ERROR_CODES.VERSION_SOFT_DELETED,
      `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      ERROR_CODES.VERSION_NOT_SOFT_DELETED,
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
    ),
  subjectConfigNotFound: (subject: string) =>
    new RegistryError(
      ERROR_CODES.SUBJECT_CONFIG_NOT_FOUND,
      `Subject '${subject}' does not have subject-level compatibility configured`,
    ),
  subjectModeNotFound: (subject: string) =>
    new RegistryError(ERROR_CODES.SUBJECT_MODE_NOT_FOUND, `Subject '${subject}' does not have subject-level mode configured`),
  incompatible: (subject: string, details: string[]) =>
    new RegistryError(
      ERROR_CODES.INCOMPATIBLE_SCHEMA,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(', ')}]`,
    ),
  invalidSchema: (detail: string) => new RegistryError(ERROR_CODES.INVALID_SCHEMA, `Invalid schema ${detail}`),
  emptySchema: () => new RegistryError(ERROR_CODES.INVALID_SCHEMA, 'Empty schema'),
  invalidSchemaType: (type: string) => new RegistryError(ERROR_CODES.INVALID_SCHEMA, `Invalid schema type ${type}`),
  invalidVersion: (version: string) =>
    new RegistryError(
      ERROR_CODES.INVALID_VERSION,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibilityLevel: () =>
    new RegistryError(
      ERROR_CODES.INVALID_COMPATIBILITY_LEVEL,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    ),
  invalidMode: () =>
    new RegistryError(ERROR_CODES.INVALID_MODE, 'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, and IMPORT.'),
  notPermitted: (why: string) => new RegistryError(ERROR_CODES.OPERATION_NOT_PERMITTED, why),
  referenceExists: (subject: string, version: number, referrers: number[]) =>
    new RegistryError(
      ERROR_CODES.REFERENCE_EXISTS,
      `One or more references exist to the schema {subject=${subject},version=${version}}: schema ids ${referrers.join(', ')}.`,
    ),
  idDoesNotMatch: (given: number, existing: number) =>
    new RegistryError(
      ERROR_CODES.ID_DOES_NOT_MATCH,
      `Schema already registered with id ${existing} instead of input id ${given}`,
    ),
  invalidSubject: (subject: string, why = 'it is reserved or contains control characters') =>
    new RegistryError(ERROR_CODES.INVALID_SUBJECT, `The specified subject '${subject}' is not valid: ${why}`),
  schemaTooLarge: (limit: number) =>
    new RegistryError(ERROR_CODES.SCHEMA_TOO_LARGE, `Schema is larger than ${limit} bytes`),
  unprocessable: (why: string) => new RegistryError(ERROR_CODES.UNPROCESSABLE_ENTITY, why),
  store: (why: string) => new RegistryError(ERROR_CODES.STORE_ERROR, `Error in the backend data store - ${why}`),
} as const;
