import { z } from 'zod';
import { assignedByServer } from './members';

type Without<Value, Names extends string> = { [Key in keyof Value as Key extends Names ? never : Key]: Value[Key] };

/**
 * A request body whose `assigned` members are the server's (its id, its dates): sending one is a 400
 * naming it, and the decoded value has none of them, so no handler has to drop them by hand. They are
 * listed first, as the problem document then names them first.
 */
export function withServerAssigned<Shape extends z.ZodRawShape, const Names extends string>(assigned: readonly Names[], shape: Shape) {
  const refused = Object.fromEntries(assigned.map((name) => [name, assignedByServer(name)])) as Record<Names, ReturnType<typeof assignedByServer>>;
  return z.strictObject({ ...refused, ...shape }).transform((body) => {
    const kept: Record<string, unknown> = { ...body };
    for (const name of assigned) Reflect.deleteProperty(kept, name);
    // The refused members were undefined (anything else failed above), and are now absent.
    return kept as Without<typeof body, Names>;
  });
}
