/** Closes a `switch` over a discriminated union: adding a variant without handling it fails to compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
