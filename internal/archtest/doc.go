// Package archtest holds the test that keeps Jejak's import arrows pointing
// the way docs/ARCHITECTURE.md draws them. It has no code of its own.
package archtest
