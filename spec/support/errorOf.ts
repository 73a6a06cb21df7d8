/** The error `action` throws, for a test to look at; a test that expected one fails when none comes. */
export function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
