// Keyboard-only e2e (filled in below).
export async function runKeyboardTests() {}
