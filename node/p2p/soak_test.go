package p2p

import "os"

// soak reports whether the long forms of the scenarios run (JEJAK_SOAK
// set, as make soak does).
func soak() bool { return os.Getenv("JEJAK_SOAK") != "" }

// scaled returns short in plain go test and long under JEJAK_SOAK.
func scaled(short, long int) int {
	if soak() {
		return long
	}
	return short
}
