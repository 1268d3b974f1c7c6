package provenance

import (
	"context"
	"strings"
	"testing"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// TestNestedMessages: "_key" parameters fill their parameter from another
// message, nested ones too (a record type inside the record that says who
// signed, inside a finding), "_list" ones join in the language's way, and
// a key no organisation delegated is an "unknown signer" in every language.
func TestNestedMessages(t *testing.T) {
	v := newVerifier(context.Background(), NewMemSource(), Options{}.withDefaults())
	priv, err := protocol.PrivateKeyFromSeed(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	key := priv.Public()
	who := v.signer(m("reason.who.record", "who_type_key", typeKey(protocol.TypeProcess), "who_record", "…abcd"), "who_signer", key)
	x := m("reason.count_exceeds_components", "out_qty", "3 H87", "output", "PCBA", "in_qty", "2 H87", "input", "PCB").nest("who", who)
	for l, want := range map[i18n.Lang]string{
		i18n.English:    "process record …abcd by unknown signer " + key.Short() + " makes 3 H87 of PCBA",
		i18n.Malay:      "rekod pemprosesan …abcd oleh penandatangan tidak dikenali " + key.Short() + " menghasilkan 3 H87 PCBA",
		i18n.Indonesian: "catatan pengolahan …abcd oleh penanda tangan tidak dikenal " + key.Short() + " menghasilkan 3 H87 PCBA",
	} {
		if got := x.in(l); !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want it to start %q", l, got, want)
		}
	}
	for l, want := range map[i18n.Lang]string{i18n.English: "a, b and c", i18n.Malay: "a, b dan c"} {
		if got := render(l, "reason.places", map[string]string{"n": "3", "names_list": list([]string{"a", "b", "c"})}); !strings.Contains(got, want) {
			t.Errorf("%s: %q does not join the list as %q", l, got, want)
		}
	}
}
