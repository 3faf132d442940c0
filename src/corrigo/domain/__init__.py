"""Pure domain logic: no I/O, no framework; everything here is unit-tested directly."""
