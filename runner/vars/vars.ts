/** Variables by name: inventory, play and role vars, facts, registered results. */
export type Vars = Record<string, unknown>;
