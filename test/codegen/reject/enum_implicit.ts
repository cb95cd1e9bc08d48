// Enum members need explicit integer values.
export enum Color {
  Red, //! explicit
  Green = 2,
}
