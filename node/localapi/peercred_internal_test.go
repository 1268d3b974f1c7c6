package localapi

import "testing"

// TestAllowUID: the node's own user and root are served, anyone else not.
func TestAllowUID(t *testing.T) {
	for _, c := range []struct {
		name         string
		peer, server int
		want         bool
	}{
		{"same user", 1000, 1000, true},
		{"root asks a user's node", 0, 1000, true},
		{"root asks root's node", 0, 0, true},
		{"another user asks root's node", 65534, 0, false},
		{"another user asks a user's node", 1001, 1000, false},
	} {
		if got := allowUID(c.peer, c.server); got != c.want {
			t.Errorf("%s: allowUID(%d, %d) = %v, want %v", c.name, c.peer, c.server, got, c.want)
		}
	}
}
