/** The part of @jambonz/verb-specifications (plain JS) the fake jambonz uses. */
declare module '@jambonz/verb-specifications' {
  type Logger = { info: (...args: unknown[]) => void; debug: (...args: unknown[]) => void; error: (...args: unknown[]) => void };
  const specifications: {
    /** Throws on the first verb that is unknown, has an unknown property, a wrong type or a missing required one. */
    validate(logger: Logger, verbs: unknown): void;
  };
  export default specifications;
}
