package epcis

import (
	"bytes"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// TestDocumentURIRoundTrip: a due diligence statement keeps both its
// numbers, with or without a hash, through a business transaction URI.
func TestDocumentURIRoundTrip(t *testing.T) {
	h := bytes.Repeat([]byte{7}, 32)
	for _, d := range []protocol.Document{
		{Kind: protocol.DocDDS, Ref: "24ITYGBJFOS258", Verification: "K7R8LA90"},
		{Kind: protocol.DocDDS, Ref: "24ITYGBJFOS258", Verification: "K7R8LA90", Hash: h},
		{Kind: "invoice", Ref: "INV/2024 #3"},
		{Kind: "invoice", Hash: h},
	} {
		got := parseDocURI(docURI(d))
		if got.Ref != d.Ref || got.Verification != d.Verification || !bytes.Equal(got.Hash, d.Hash) {
			t.Errorf("%+v became %q and came back as %+v", d, docURI(d), got)
		}
	}
}
