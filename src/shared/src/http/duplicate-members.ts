/**
 * The path of the first member name that appears twice in one object of a well-formed JSON text, or
 * undefined. JSON.parse keeps the last of duplicates silently, so a proxy or validator that keeps the
 * first would see another document than we store; such bodies are refused instead.
 */
export function firstDuplicateMember(text: string): string | undefined {
  // One frame per open object or array: the names seen so far (objects only) and the pending name.
  const frames: { names: Set<string> | undefined; name: string }[] = [];
  let expectingName = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      const end = endOfString(text, index);
      const frame = frames.at(-1);
      if (expectingName && frame?.names) {
        const name = JSON.parse(text.slice(index, end + 1)) as string;
        if (frame.names.has(name)) return [...frames.slice(0, -1).map((open) => open.name), name].filter((part) => part !== '').join('.');
        frame.names.add(name);
        frame.name = name;
        expectingName = false;
      }
      index = end;
    } else if (char === '{') {
      frames.push({ names: new Set(), name: '' });
      expectingName = true;
    } else if (char === '[') {
      frames.push({ names: undefined, name: '' });
    } else if (char === '}' || char === ']') {
      frames.pop();
    } else if (char === ',') {
      expectingName = frames.at(-1)?.names !== undefined;
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start`; escapes are skipped. */
function endOfString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index;
  }
  return text.length - 1;
}
