/** What a caught value says: an Error's message, anything else (a thrown string, a rejected value) as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
