// Enum members need explicit integer values.
export enum Color {
  Red, //! enum member `Red` needs an explicit integer value; write `Red = 0`
  Green = 2,
}
