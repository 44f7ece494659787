//! Statistical and round-trip tests of the world with fixed seeds.
