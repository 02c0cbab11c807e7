/**
 * The public types of user functions; index.ts re-exports them.
 */

/** A compiled user function. */
export interface UserFunction {
  /**
   * The result's new score, or null to drop the result. Never throws: data that does not fit
   * (missing fields, wrong types, division by zero) makes the result null, not an error.
   * `now` is what `now()` returns; pass the same instant for every result of one request.
   * It defaults to the current time.
   */
  evaluate(row: UserFnRow, now?: Date): number | null;
  /** The text the function was compiled from. */
  readonly source: string;
}

/** What `get('$.path')` reads. `score` is the result's current score. */
export interface UserFnRow {
  score: number;
  text: string;
  document_id: string;
  document_metadata: Record<string, unknown>;
  part_metadata: Record<string, unknown>;
}
